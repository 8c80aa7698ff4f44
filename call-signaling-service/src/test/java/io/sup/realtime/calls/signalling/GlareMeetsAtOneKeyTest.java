package io.sup.realtime.calls.signalling;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * The claims of two initiations interleaved step by step, in the order the end-to-end race
 * can only hit by chance: A calls B while B calls A, each claiming its users in
 * {@link CallService#claimOrder}, on a real Redis with the real scripts. Whichever goes
 * first, they meet at the same first key, so the second finds a glare before it holds
 * anything, and the first completes; a third caller then finds the callee busy.
 */
class GlareMeetsAtOneKeyTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();
    private static UnifiedJedis redis;
    private static CallStore store;

    @BeforeAll
    static void connect() {
        redis = REDIS.settings().newClient();
        store = new CallStore(redis, Duration.ofSeconds(45), Duration.ofHours(6), Duration.ofHours(1),
                Duration.ofSeconds(25));
    }

    @AfterAll
    static void disconnect() {
        redis.close();
    }

    @Test
    void crossingInitiationsMeetAtTheFirstKeyWhicheverDirectionGoesFirst() {
        for (boolean smallerCallsFirst : List.of(true, false)) {
            String a = smallerCallsFirst ? "ann" : "zoe";
            String b = smallerCallsFirst ? "zoe" : "ann";
            Call x = ringing("x-" + a, a, b);
            Call y = ringing("y-" + b, b, a);
            List<String> xOrder = CallService.claimOrder(x);
            List<String> yOrder = CallService.claimOrder(y);
            assertEquals(xOrder.getFirst(), yOrder.getFirst(), "both directions start at the same user");

            assertInstanceOf(CallStore.Claim.Claimed.class, claim(x, xOrder.getFirst()));
            CallStore.Claim met = claim(y, yOrder.getFirst());
            assertEquals(new CallStore.Claim.Glare(x.id()), met, "the second finds the first, holding nothing");
            assertInstanceOf(CallStore.Claim.Claimed.class, claim(x, xOrder.getLast()), "the first completes");

            Call z = ringing("z-" + a, "mia", b);
            assertEquals(new CallStore.Claim.Busy(x.id()), claim(z, b), "a third caller finds the callee busy");
            store.cleanup(x);
        }
    }

    private static CallStore.Claim claim(Call call, String user) {
        return store.claim(user, call.id(), call.peerOf(user), user.equals(call.callerId()) ? "caller" : "callee");
    }

    private static Call ringing(String id, String caller, String callee) {
        long now = System.currentTimeMillis();
        return new Call(id, caller, caller + "-gw.1", callee, CallType.AUDIO, CallState.RINGING, Optional.empty(),
                Optional.empty(), now, Optional.empty(), Optional.empty(), now + 45_000);
    }
}
