package io.sup.realtime.platform.expiry;

import java.time.Clock;
import java.time.Duration;

/**
 * When a record counts as expired, for a service whose records are extended by periodic
 * reports (a gateway's alive reports of its connections) and swept when the reports stop:
 * presence today, call-signalling next. Normally at its expiry: whoever reported it stopped
 * for a whole lifetime. But while the service itself is down, nobody takes the reports, so
 * when it comes back every record looks expired although most are alive. So after an outage
 * (no sweep by any replica for {@link #OUTAGE}, or none ever) records count as expired only
 * if they had expired before the outage began, for one lifetime: time enough for every live
 * reporter (every gateway) to report its records again. What hangs on them (presence's
 * subscriptions, say) then survives the outage.
 *
 * <p>The service's sweep calls {@link #swept} every run, which updates this from two keys
 * every replica shares ({@link SweepLog#markSwept}); reports read it from memory
 * ({@link #now}, {@link #cutoff}), at no cost. Before a replica's first sweep nothing counts
 * as expired.
 */
public final class ExpiryCutoff {
    /** No sweep for this long is an outage (a sweep runs every second or so). */
    public static final Duration OUTAGE = Duration.ofSeconds(3);

    private final Clock clock;
    private final Duration lifetime;
    private final SweepLog log;
    /** Expiries before {@code at} count until {@code until}; none counts before the first sweep. */
    private volatile Frozen frozen = new Frozen(0, Long.MAX_VALUE);

    private record Frozen(long at, long until) {
    }

    /**
     * @param clock    the service's clock
     * @param lifetime how long a record counts after its last report (presence: the connection lifetime)
     * @param log      where the service's sweeps are recorded
     */
    public ExpiryCutoff(Clock clock, Duration lifetime, SweepLog log) {
        this.clock = clock;
        this.lifetime = lifetime;
        this.log = log;
    }

    /** The cutoff now (ms): records whose expiry is at or before it count as expired. */
    public long cutoff() {
        return now().cutoff();
    }

    /** Now, with the cutoff that holds now. */
    public Moment now() {
        long now = clock.millis();
        Frozen f = frozen;
        return now < f.until() ? new Moment(now, Math.min(f.at(), now), f.until()) : Moment.at(now);
    }

    /** Updates the cutoff at a sweep, recording the sweep in the {@link SweepLog}. */
    public void swept() {
        long now = clock.millis();
        SweepLog.SweepRecord record = log.markSwept(now);
        if (record.recoveringUntil() > now) {
            frozen = new Frozen(record.recoveringFrom(), record.recoveringUntil());
        } else if (record.previousSweep() < 0 || now - record.previousSweep() > OUTAGE.toMillis()) {
            long from = Math.max(0, record.previousSweep());
            long until = now + lifetime.toMillis();
            log.startRecovery(from, until);
            frozen = new Frozen(from, until);
        } else {
            frozen = new Frozen(0, 0);
        }
    }
}
