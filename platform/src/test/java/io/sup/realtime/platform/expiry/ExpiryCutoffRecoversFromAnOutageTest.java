package io.sup.realtime.platform.expiry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import io.sup.realtime.platform.testing.MutableClock;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

/**
 * {@link ExpiryCutoff} and its {@link SweepLog} on a real Redis, with the service's clock in
 * the test's hands: nothing counts as expired before a replica's first sweep; a first sweep
 * ever, or one after no sweep for longer than {@link ExpiryCutoff#OUTAGE}, freezes the
 * cutoff at the last sweep for one lifetime, for every replica; sweeps in time keep the
 * cutoff at now.
 */
class ExpiryCutoffRecoversFromAnOutageTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();
    private static final String SWEPT = "t:swept";
    private static final String RECOVERY = "t:recovery";
    private static final Duration LIFETIME = Duration.ofSeconds(10);

    private UnifiedJedis redis;
    /** The service's clock; it starts at the real time, as the recovery key expires on Redis's clock. */
    private final MutableClock clock = new MutableClock(System.currentTimeMillis());

    @BeforeEach
    void connect() {
        redis = REDIS.settings().newClient();
    }

    @AfterEach
    void close() {
        redis.close();
    }

    private ExpiryCutoff replica() {
        return new ExpiryCutoff(clock, LIFETIME, new SweepLog(redis, SWEPT, RECOVERY));
    }

    /** Sweeps every second (in time) until the recovery under way has ended. */
    private void sweepThroughRecovery(ExpiryCutoff cutoff) {
        long until = cutoff.now().notBefore();
        while (clock.millis() < until) {
            clock.advance(Duration.ofSeconds(1));
            cutoff.swept();
        }
    }

    @Test
    void nothingCountsAsExpiredBeforeAReplicasFirstSweep() {
        ExpiryCutoff cutoff = replica();

        Moment at = cutoff.now();

        assertEquals(clock.millis(), at.now());
        assertEquals(0, at.cutoff());
        assertEquals(Long.MAX_VALUE, at.notBefore());
        assertEquals(0, cutoff.cutoff());
    }

    @Test
    void theFirstSweepEverStartsARecoveryThatEndsOneLifetimeLater() {
        ExpiryCutoff cutoff = replica();
        long first = clock.millis();

        cutoff.swept();

        assertEquals(new Moment(first, 0, first + LIFETIME.toMillis()), cutoff.now());
        assertEquals(Long.toString(first), redis.get(SWEPT));
        assertEquals(Map.of("from", "0", "until", Long.toString(first + LIFETIME.toMillis())), redis.hgetAll(RECOVERY));
        long ttl = redis.pttl(RECOVERY);
        assertTrue(ttl > 0 && ttl <= LIFETIME.toMillis(), "the recovery key expires with its window: " + ttl);

        clock.advance(Duration.ofSeconds(1));
        cutoff.swept();
        assertEquals(0, cutoff.cutoff(), "still recovering: only expiries before the first sweep count");

        sweepThroughRecovery(cutoff);
        assertEquals(Moment.at(clock.millis()), cutoff.now(), "once the window has passed, expiries count up to now");
    }

    @Test
    void sweepsInTimeKeepTheCutoffAtNowAndAnOutageFreezesItAtTheLastSweep() {
        ExpiryCutoff cutoff = replica();
        cutoff.swept();
        sweepThroughRecovery(cutoff);

        clock.advance(ExpiryCutoff.OUTAGE);
        cutoff.swept();
        assertEquals(Moment.at(clock.millis()), cutoff.now(), "a gap of exactly the outage threshold is no outage");

        long lastSweep = clock.millis();
        clock.advance(ExpiryCutoff.OUTAGE.plusMillis(1));
        cutoff.swept();
        long back = clock.millis();

        assertEquals(new Moment(back, lastSweep, back + LIFETIME.toMillis()), cutoff.now());
        assertEquals(Map.of("from", Long.toString(lastSweep), "until", Long.toString(back + LIFETIME.toMillis())),
                redis.hgetAll(RECOVERY));
        clock.advance(Duration.ofSeconds(2));
        assertEquals(lastSweep, cutoff.cutoff(), "reports between sweeps read the frozen cutoff too");
    }

    @Test
    void everyReplicaKeepsToTheRecoveryTheFirstOneStarted() {
        ExpiryCutoff first = replica();
        ExpiryCutoff second = replica();
        first.swept();
        long until = first.now().notBefore();

        clock.advance(Duration.ofSeconds(1));
        assertEquals(0, second.cutoff(), "a replica that has not swept yet counts nothing as expired");
        second.swept();

        assertEquals(new Moment(clock.millis(), 0, until), second.now(), "the second replica adopts the window");
        assertEquals(Map.of("from", "0", "until", Long.toString(until)), redis.hgetAll(RECOVERY),
                "and does not restart it");
    }

    @Test
    void aSweepLogReportsWhatIsAbsentAndThenThePreviousSweep() {
        SweepLog log = new SweepLog(redis, SWEPT, RECOVERY);

        assertEquals(new SweepLog.SweepRecord(-1, 0, 0), log.markSwept(1_000));
        assertEquals(new SweepLog.SweepRecord(1_000, 0, 0), log.markSwept(2_000));

        long until = System.currentTimeMillis() + 60_000;
        log.startRecovery(500, until);
        assertEquals(new SweepLog.SweepRecord(2_000, 500, until), log.markSwept(3_000));
        assertEquals("3000", redis.get(SWEPT));
    }
}
