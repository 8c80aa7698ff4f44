package io.sup.realtime.presence.status;

import java.time.Clock;
import java.time.Duration;

/**
 * When a connection record counts as expired. Normally at its expiry: its gateway stopped
 * reporting it for a whole connection lifetime. But while presence-service itself is down,
 * nobody takes the gateways' alive reports, so when it comes back every record looks
 * expired although most connections are alive. So after an outage (no sweep by any
 * replica for {@link #OUTAGE}, or none ever) records count as expired only if they had
 * expired before the outage began, for one connection lifetime: time enough for every live
 * gateway to report its connections again. Their subscriptions then survive the outage.
 *
 * <p>The sweep ({@link PresenceService#sweep}) updates this every run from two keys every
 * replica shares ({@link PresenceStore#markSwept}); reports read it from memory, at no cost.
 * Before a replica's first sweep nothing counts as expired.
 */
public final class ExpiryCutoff {
    /** No sweep for this long is an outage (a sweep runs every second or so). */
    static final Duration OUTAGE = Duration.ofSeconds(3);

    private final Clock clock;
    private final Duration connectionTtl;
    /** Expiries before {@code at} count until {@code until}; none counts before the first sweep. */
    private volatile Frozen frozen = new Frozen(0, Long.MAX_VALUE);

    private record Frozen(long at, long until) {
    }

    /**
     * @param clock         the service's clock
     * @param connectionTtl how long a connection counts after its gateway's last report
     */
    public ExpiryCutoff(Clock clock, Duration connectionTtl) {
        this.clock = clock;
        this.connectionTtl = connectionTtl;
    }

    /** The cutoff now (ms): records whose expiry is at or before it count as expired. */
    public long cutoff() {
        return now().cutoff();
    }

    /** Now, with the cutoff that holds now. */
    Moment now() {
        long now = clock.millis();
        Frozen f = frozen;
        return now < f.until() ? new Moment(now, Math.min(f.at(), now), f.until()) : Moment.at(now);
    }

    /**
     * Updates the cutoff at a sweep.
     *
     * @param store where the sweeps are recorded
     */
    void swept(PresenceStore store) {
        long now = clock.millis();
        PresenceStore.SweepRecord record = store.markSwept(now);
        if (record.recoveringUntil() > now) {
            frozen = new Frozen(record.recoveringFrom(), record.recoveringUntil());
        } else if (record.previousSweep() < 0 || now - record.previousSweep() > OUTAGE.toMillis()) {
            long from = Math.max(0, record.previousSweep());
            long until = now + connectionTtl.toMillis();
            store.startRecovery(from, until);
            frozen = new Frozen(from, until);
        } else {
            frozen = new Frozen(0, 0);
        }
    }
}
