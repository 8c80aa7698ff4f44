package io.sup.realtime.calls.signalling;

import java.time.Duration;
import java.util.Optional;

import io.sup.realtime.calls.CallKeys;
import io.sup.realtime.platform.lifecycle.ConnectionRef;
import io.sup.realtime.platform.limits.RateCheck;
import io.sup.realtime.platform.limits.RateLimiter;
import io.sup.realtime.platform.limits.RateLimits;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The call scripts on a real Redis, with times the test chooses: each state change happens
 * only from the states that allow it, and the ends no party sends (the ring timeout, the
 * longest duration) only once their time has come.
 */
class CallStateMachineTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();
    private static final Duration RING = Duration.ofSeconds(45);
    private static final Duration LONGEST = Duration.ofHours(6);
    private static final ConnectionRef PHONE = new ConnectionRef("bea", "gw-1.p-1");
    private static final ConnectionRef LAPTOP = new ConnectionRef("bea", "gw-2.l-1");
    private static UnifiedJedis redis;
    private static CallStore store;
    private static RateLimiter limiter;

    @BeforeAll
    static void connect() {
        redis = REDIS.settings().newClient();
        store = new CallStore(redis, RING, LONGEST, Duration.ofHours(1), Duration.ofSeconds(25));
        limiter = new RateLimiter(RateLimits.defaults(), CallKeys::rateLimit);
    }

    @AfterAll
    static void disconnect() {
        redis.close();
    }

    @Test
    void oneAnswerWinsAndAnAnsweredCallEndsAtTheLongestDurationOnly() {
        Call call = create("sm-1", 1_000_000);
        assertInstanceOf(CallStore.Answer.Won.class, store.answer(call.id(), PHONE, 1_010_000, check("call:answer")));
        assertInstanceOf(CallStore.Answer.AnsweredElsewhere.class, store.answer(call.id(), LAPTOP, 1_010_001, check("call:answer")));
        assertInstanceOf(CallStore.Answer.Again.class, store.answer(call.id(), PHONE, 1_010_002, check("call:answer")));
        assertInstanceOf(CallStore.Answer.NotFound.class,
                store.answer(call.id(), new ConnectionRef("eve", "gw-3.e-1"), 1_010_003, check("call:answer")));

        long longest = 1_010_000 + LONGEST.toMillis();
        assertEquals(Optional.empty(), store.expire(call.id(), EndReason.TIMEOUT, longest - 1, ""), "not yet");
        Call over = store.expire(call.id(), EndReason.TIMEOUT, longest, "").orElseThrow();
        assertEquals(Optional.of(EndReason.MAX_DURATION), over.reason());
        assertEquals(Optional.empty(), store.expire(call.id(), EndReason.TIMEOUT, longest + 1, ""), "ends once");
    }

    @Test
    void aRingingCallTimesOutAtItsRingTimeoutAndNotAfterAnEnd() {
        Call call = create("sm-2", 2_000_000);
        long ringUntil = 2_000_000 + RING.toMillis();
        assertEquals(Optional.empty(), store.expire(call.id(), EndReason.TIMEOUT, ringUntil - 1, ""));
        assertInstanceOf(CallStore.Answer.Ended.class, store.answer(call.id(), PHONE, ringUntil, check("call:answer")),
                "an answer at the timeout is too late, even before the sweep ends the call");
        assertEquals(Optional.of(EndReason.TIMEOUT), store.expire(call.id(), EndReason.TIMEOUT, ringUntil, "").orElseThrow().reason());

        Call cancelled = create("sm-3", 3_000_000);
        CallStore.Finish byCaller = store.endByParty(cancelled.id(), "ada", false, 3_000_100, check("call:end"));
        assertEquals(Optional.of(EndReason.CANCELLED), ((CallStore.Finish.Finished) byCaller).call().reason());
        assertEquals(Optional.empty(), store.expire(cancelled.id(), EndReason.TIMEOUT, 3_000_000 + RING.toMillis(), ""));
        assertInstanceOf(CallStore.Finish.AlreadyEnded.class, store.endByParty(cancelled.id(), "bea", true, 3_000_200, check("call:reject")));
    }

    @Test
    void onlyTheCalleeRejectsAndOnlyWhileItRings() {
        Call call = create("sm-4", 4_000_000);
        assertInstanceOf(CallStore.Finish.NotCallee.class, store.endByParty(call.id(), "ada", true, 4_000_001, check("call:reject")));
        assertInstanceOf(CallStore.Finish.NotFound.class, store.endByParty(call.id(), "eve", false, 4_000_002, check("call:end")));
        assertInstanceOf(CallStore.Answer.Won.class, store.answer(call.id(), PHONE, 4_000_003, check("call:answer")));
        assertInstanceOf(CallStore.Finish.AlreadyAnswered.class, store.endByParty(call.id(), "bea", true, 4_000_004, check("call:reject")));
        assertEquals(Optional.empty(), store.expire(call.id(), EndReason.CONNECTION_LOST, 4_000_005, LAPTOP.connectionId()),
                "a connection not in the call loses nothing");
        Call lost = store.expire(call.id(), EndReason.CONNECTION_LOST, 4_000_006, PHONE.connectionId()).orElseThrow();
        assertEquals(Optional.of(EndReason.CONNECTION_LOST), lost.reason());
        assertTrue(lost.answeredAt().isPresent());
        assertEquals(CallState.ENDED, store.read(call.id()).orElseThrow().state());
    }

    private static Call create(String id, long now) {
        Call call = new Call(id, "ada", "gw-9.a-1", "bea", CallType.VIDEO, CallState.RINGING, Optional.empty(),
                Optional.empty(), now, Optional.empty(), Optional.empty(), now + RING.toMillis());
        assertEquals(Optional.empty(), store.create(call, new SessionDescription("offer", "v=0"), Optional.empty()));
        return call;
    }

    private static RateCheck check(String event) {
        return limiter.check("bea", event);
    }
}
