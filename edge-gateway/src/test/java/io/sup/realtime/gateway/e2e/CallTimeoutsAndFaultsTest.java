package io.sup.realtime.gateway.e2e;

import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.sup.realtime.gateway.Main;
import io.sup.realtime.gateway.auth.TestTokens;
import io.sup.realtime.platform.service.ServiceHost;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.sup.realtime.gateway.e2e.CallClient.answer;
import static io.sup.realtime.gateway.e2e.CallClient.candidate;
import static io.sup.realtime.gateway.e2e.CallClient.candidateInit;
import static io.sup.realtime.gateway.e2e.CallClient.initiate;
import static io.sup.realtime.gateway.e2e.WsTestClient.isEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What ends a call when nobody ends it: the ring timeout (configured short here), a gateway
 * that stops reporting a connection (SIGKILLed, in its own JVM) — and
 * what must not: an outage of call-signalling itself. Also the call:initiate rate limit, at
 * its default (5 a minute). The gateways report alive connections every 300 ms and calls
 * count a connection 2.5 s after its last report (also the recovery window after an outage of
 * call-signalling, long enough for a loaded machine), so expiry shows within seconds.
 */
class CallTimeoutsAndFaultsTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();
    /** Short, yet long enough for a cold gateway JVM's first answer (the SIGKILL test). */
    private static final long RING_TIMEOUT_MS = 3_000;
    private static final long ALIVE_INTERVAL_MS = 300;
    private static final long CONNECTION_TTL_MS = 2_500;
    private static final long SWEEP_MS = 100;

    private static ServiceHost messaging;
    private static ServiceHost presence;
    private static ServiceHost calls;
    private static int callsPort;
    private static Main gateway1;
    private static Main gateway2;
    private static CallClient admin;

    @BeforeAll
    static void startSystem() {
        messaging = TestSystem.messaging(REDIS, 0);
        presence = TestSystem.presence(REDIS, messaging.grpcPort());
        callsPort = RedisServerExtension.freePort();
        calls = startCalls();
        gateway1 = gateway("gw-t1");
        gateway2 = gateway("gw-t2");
        admin = new CallClient(callsPort);
    }

    /** On a fixed port, so that a restart is where the gateways look; call:initiate at its default limit. */
    private static ServiceHost startCalls() {
        return TestSystem.calls(REDIS, presence.grpcPort(), "grpc.port", Integer.toString(callsPort),
                "call.ring.timeout.ms", Long.toString(RING_TIMEOUT_MS),
                "call.connection.ttl.ms", Long.toString(CONNECTION_TTL_MS), "rate.limits", "");
    }

    private static Main gateway(String instance) {
        return TestSystem.gateway(REDIS, messaging.grpcPort(), instance, "presence.grpc.target",
                "localhost:" + presence.grpcPort(), "calls.grpc.target", "localhost:" + callsPort,
                "gateway.connection.alive.interval.ms", Long.toString(ALIVE_INTERVAL_MS));
    }

    @AfterAll
    static void stopSystem() {
        admin.close();
        gateway1.close();
        gateway2.close();
        calls.close();
        presence.close();
        messaging.close();
    }

    @Test
    void anUnansweredCallEndsAtTheRingTimeoutAsAMissedCall() throws Exception {
        TestSystem.createChat(messaging.grpcPort(), "t1", "al-t1", "bo-t1");
        try (var alice = connect(gateway1, "al-t1");
             var phone = connect(gateway1, "bo-t1");
             var laptop = connect(gateway2, "bo-t1")) {
            long started = System.currentTimeMillis();
            String callId = initiate(alice, "bo-t1", "audio").get("callId").asText();
            phone.awaitEvent("call:incoming");
            laptop.awaitEvent("call:incoming");
            for (WsTestClient device : new WsTestClient[] {alice, phone, laptop}) {
                assertEquals("timeout", device.awaitEvent("call:end").get("reason").asText());
            }
            long tookMs = System.currentTimeMillis() - started;
            assertTrue(tookMs >= RING_TIMEOUT_MS - 50, "ended " + tookMs + " ms after the initiate, before the timeout");
            assertTrue(admin.missedCalls().stream().anyMatch(m -> m.getCallId().equals(callId) && m.getReason().equals("timeout")));
            assertEquals("no_answer", admin.history("al-t1").getFirst().getOutcome());
            assertEquals("missed", admin.history("bo-t1").getFirst().getOutcome());
            JsonNode late = phone.request("call:answer", answer(callId));
            assertEquals("INVALID_ARGUMENT", late.at("/error/code").asText(), "an answer after the timeout: " + late);
        }
    }

    @Test
    void callInitiateIsLimitedToFiveAMinute() throws Exception {
        TestSystem.createChat(messaging.grpcPort(), "t2", "al-t2", "bo-t2");
        try (var alice = connect(gateway1, "al-t2")) {
            Map<String, Object> withTempId = Map.of("calleeId", "bo-t2", "callType", "audio",
                    "offer", Map.of("type", "offer", "sdp", CallClient.OFFER_SDP), "tempId", "t2-last");
            for (int i = 0; i < 4; i++) {
                // bo-t2 has no connection: each call ends at once, unavailable, and counts.
                assertEquals("unavailable", initiate(alice, "bo-t2", "audio").get("reason").asText());
            }
            String last = alice.request("call:initiate", withTempId).get("callId").asText();
            JsonNode refused = initiate(alice, "bo-t2", "audio");
            assertEquals("RATE_LIMITED", refused.at("/error/code").asText(), refused.toString());
            assertTrue(refused.at("/error/retryAfterMs").asLong() > 0, refused.toString());
            JsonNode repeat = alice.request("call:initiate", withTempId);
            assertEquals(last, repeat.path("callId").asText(), "a repeat by tempId costs nothing, even at the limit: " + repeat);
        }
    }

    @Test
    void aCallOutlivesAnOutageOfTheCallServiceLongerThanAConnectionLifetime() throws Exception {
        TestSystem.createChat(messaging.grpcPort(), "t4", "al-t4", "bo-t4");
        try (var alice = connect(gateway1, "al-t4");
             var bob = connect(gateway2, "bo-t4")) {
            String callId = initiate(alice, "bo-t4", "audio").get("callId").asText();
            bob.awaitEvent("call:incoming");
            assertTrue(bob.request("call:answer", answer(callId)).get("success").asBoolean());
            alice.awaitEvent("call:answer");

            calls.close();
            long stoppedAt = System.currentTimeMillis();
            // Nobody takes the gateways' alive reports meanwhile: every record of the call expires.
            Awaitility.await().pollDelay(Duration.ofMillis(2 * CONNECTION_TTL_MS)).until(() -> true);
            calls = startCalls();
            System.out.println("call-signalling was down " + (System.currentTimeMillis() - stoppedAt) + " ms");
            // One connection lifetime of recovery plus reports: the call must still stand after it.
            Awaitility.await().pollDelay(Duration.ofMillis(2 * CONNECTION_TTL_MS + 5 * SWEEP_MS)).until(() -> true);

            assertEquals("active", admin.call(callId).getState(), admin.call(callId).toString());
            assertTrue(candidate(alice, callId, candidateInit("candidate:1 1 udp 1 10.0.0.1 5000 typ host"))
                    .get("success").asBoolean());
            bob.awaitEvent("call:ice-candidate");
            CallClient.end(alice, callId);
            bob.assertNoneBefore(isEvent("call:end", "reason", "hangup"), isEvent("call:end", "reason", "connection_lost"),
                    "the call ended by the outage");
        }
    }

    @Test
    void theCallsOfASigkilledGatewayEndWithinAliveIntervalPlusConnectionLifetime() throws Exception {
        TestSystem.createChat(messaging.grpcPort(), "t5", "al-t5", "bo-t5");
        int doomedPort = RedisServerExtension.freePort();
        Process doomed = GatewayProcess.start(REDIS, doomedPort, messaging.grpcPort(), Map.of(
                "PRESENCE_GRPC_TARGET", "localhost:" + presence.grpcPort(), "CALLS_GRPC_TARGET", "localhost:" + callsPort,
                "GATEWAY_CONNECTION_ALIVE_INTERVAL_MS", Long.toString(ALIVE_INTERVAL_MS)));
        try (var alice = connect(gateway1, "al-t5")) {
            WsTestClient bob = Awaitility.await("the gateway process listening").atMost(Duration.ofSeconds(60))
                    .ignoreExceptions().until(() -> WsTestClient.connectAs(doomedPort, TestTokens.access("bo-t5")),
                            client -> client != null);
            // Warms the fresh gateway JVM's path to call-signalling before the ring timeout counts.
            assertEquals("NOT_FOUND", bob.request("call:end", Map.of("callId", "warm-up")).at("/error/code").asText());
            String callId = initiate(alice, "bo-t5", "audio").get("callId").asText();
            bob.awaitEvent("call:incoming");
            JsonNode answered = bob.request("call:answer", answer(callId));
            assertTrue(answered.get("success").asBoolean(), answered.toString());
            alice.awaitEvent("call:answer");

            long killedAt = System.currentTimeMillis();
            doomed.destroyForcibly(); // SIGKILL: no close frame, no closed report
            doomed.waitFor();
            JsonNode ended = alice.awaitEvent("call:end");
            long tookMs = System.currentTimeMillis() - killedAt;
            long bound = ALIVE_INTERVAL_MS + CONNECTION_TTL_MS + SWEEP_MS;
            System.out.println("gateway SIGKILLed: its call ended " + tookMs + " ms later (bound " + bound + " ms)");
            bob.close();
            assertEquals("connection_lost", ended.get("reason").asText());
            assertTrue(tookMs <= bound + 1_000, "ended only " + tookMs + " ms after the crash (bound " + bound + " ms)");
        } finally {
            doomed.destroyForcibly();
        }
    }

    private static WsTestClient connect(Main gateway, String user) throws InterruptedException {
        return WsTestClient.connectAs(gateway.port(), TestTokens.access(user));
    }
}
