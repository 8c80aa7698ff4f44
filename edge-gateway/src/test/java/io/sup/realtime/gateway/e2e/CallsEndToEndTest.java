package io.sup.realtime.gateway.e2e;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.sup.realtime.calls.CallKeys;
import io.sup.realtime.gateway.Main;
import io.sup.realtime.gateway.auth.TestTokens;
import io.sup.realtime.platform.service.ServiceHost;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.proto.calls.v1.CallHistoryEntry;
import io.sup.realtime.proto.calls.v1.MissedCall;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

import static io.sup.realtime.gateway.e2e.CallClient.ANSWER_SDP;
import static io.sup.realtime.gateway.e2e.CallClient.OFFER_SDP;
import static io.sup.realtime.gateway.e2e.CallClient.answer;
import static io.sup.realtime.gateway.e2e.CallClient.answerWhen;
import static io.sup.realtime.gateway.e2e.CallClient.candidate;
import static io.sup.realtime.gateway.e2e.CallClient.candidateInit;
import static io.sup.realtime.gateway.e2e.CallClient.countBefore;
import static io.sup.realtime.gateway.e2e.CallClient.end;
import static io.sup.realtime.gateway.e2e.CallClient.initiate;
import static io.sup.realtime.gateway.e2e.CallClient.initiateWhen;
import static io.sup.realtime.gateway.e2e.WsTestClient.isEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Calls through the whole system: real WebSocket clients, two devices per callee on two
 * gateway instances, call-signalling, presence (who may call whom) and messaging (who shares
 * a chat) over real gRPC, Redis, and the delivery bus back. "No event" is proved with a
 * marker: a later event through the same path, which would have arrived after it.
 */
class CallsEndToEndTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();
    private static final Pattern TURN_USERNAME = Pattern.compile("\\d{10}:[a-z0-9]+");

    private static ServiceHost messaging;
    private static ServiceHost presence;
    private static ServiceHost calls;
    private static Main gateway1;
    private static Main gateway2;
    private static CallClient admin;

    @BeforeAll
    static void startSystem() {
        messaging = TestSystem.messaging(REDIS, 0);
        presence = TestSystem.presence(REDIS, messaging.grpcPort());
        calls = TestSystem.calls(REDIS, presence.grpcPort(), "call.ice.stun.urls", "stun:stun.sup.test:3478",
                "call.ice.turn.urls", "turn:turn.sup.test:3478?transport=udp", "call.turn.secret", "a-test-secret-of-16+");
        gateway1 = gateway("gw-1");
        gateway2 = gateway("gw-2");
        admin = new CallClient(calls.grpcPort());
    }

    private static Main gateway(String instance) {
        return TestSystem.gateway(REDIS, messaging.grpcPort(), instance, "presence.grpc.target",
                "localhost:" + presence.grpcPort(), "calls.grpc.target", "localhost:" + calls.grpcPort());
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
    void ofTwoDevicesAnsweringOnTwoGatewaysExactlyOneWinsAndTheOtherStopsRinging() throws Exception {
        TestSystem.createChat(messaging.grpcPort(), "k1", "al1", "bo1");
        try (var alice = connect(gateway1, "al1", "phone");
             var phone = connect(gateway1, "bo1", "phone");
             var laptop = connect(gateway2, "bo1", "laptop")) {
            JsonNode initiated = initiate(alice, "bo1", "video");
            assertTrue(initiated.get("success").asBoolean(), initiated.toString());
            assertEquals("ringing", initiated.get("state").asText());
            String callId = initiated.get("callId").asText();
            assertIceServers(initiated, "al1");
            for (WsTestClient device : List.of(phone, laptop)) {
                JsonNode incoming = device.awaitEvent("call:incoming");
                assertEquals(callId, incoming.get("callId").asText());
                assertEquals("al1", incoming.get("callerId").asText());
                assertEquals("video", incoming.get("callType").asText());
                assertEquals(OFFER_SDP, incoming.at("/offer/sdp").asText());
                assertIceServers(incoming, "bo1");
            }

            CountDownLatch start = new CountDownLatch(1);
            CompletableFuture<JsonNode> byPhone = answerWhen(start, phone, callId);
            CompletableFuture<JsonNode> byLaptop = answerWhen(start, laptop, callId);
            start.countDown();
            JsonNode a = byPhone.get(30, TimeUnit.SECONDS);
            JsonNode b = byLaptop.get(30, TimeUnit.SECONDS);
            assertNotEquals(a.get("success").asBoolean(), b.get("success").asBoolean(), a + " / " + b);
            WsTestClient winner = a.get("success").asBoolean() ? phone : laptop;
            WsTestClient loser = winner == phone ? laptop : phone;
            JsonNode refused = winner == phone ? b : a;
            assertEquals("INVALID_ARGUMENT", refused.at("/error/code").asText(), refused.toString());
            assertTrue(refused.at("/error/message").asText().contains("answered on another device"), refused.toString());

            assertEquals(ANSWER_SDP, alice.awaitEvent("call:answer").at("/answer/sdp").asText());
            JsonNode stopped = loser.awaitEvent("call:end");
            assertEquals("answered_elsewhere", stopped.get("reason").asText());
            // A candidate from the winner, published after any second answer would have been.
            candidate(winner, callId, candidateInit("candidate:1 1 udp 2122260223 10.0.0.2 54321 typ host"));
            assertEquals(1, countBefore(alice, isEvent("call:ice-candidate"), isEvent("call:answer")), "call:answer once");
            assertEquals("active", adminCall(callId).getState());
            end(alice, callId);
        }
    }

    @Test
    void aRejectFromOneDeviceStopsEveryDeviceAndTellsTheCallerOnce() throws Exception {
        TestSystem.createChat(messaging.grpcPort(), "k2", "al2", "bo2");
        try (var alice = connect(gateway1, "al2", "phone");
             var phone = connect(gateway1, "bo2", "phone");
             var laptop = connect(gateway2, "bo2", "laptop")) {
            String callId = initiate(alice, "bo2", "audio").get("callId").asText();
            phone.awaitEvent("call:incoming");
            laptop.awaitEvent("call:incoming");

            JsonNode rejected = laptop.request("call:reject", Map.of("callId", callId, "reason", "in_a_meeting"));
            assertTrue(rejected.get("success").asBoolean(), rejected.toString());
            assertEquals("in_a_meeting", alice.awaitEvent("call:reject").get("reason").asText());
            assertEquals("rejected", phone.awaitEvent("call:end").get("reason").asText());
            // The phone's own reject now: the call is over, an idempotent success, no second notice.
            assertTrue(phone.request("call:reject", Map.of("callId", callId)).get("success").asBoolean());
            assertEquals("ended", adminCall(callId).getState());
            CallHistoryEntry entry = history("bo2").getFirst();
            assertEquals("rejected", entry.getOutcome());
            assertEquals("incoming", entry.getDirection());
            assertFalse(missedCalls().stream().anyMatch(m -> m.getCallId().equals(callId)), "a declined call is not missed");
            // A later call's incoming is the marker: no second call:reject came before it.
            TestSystem.createChat(messaging.grpcPort(), "k2b", "al2", "mk2");
            try (var marker = connect(gateway2, "mk2", "web")) {
                String second = initiate(marker, "al2", "audio").get("callId").asText();
                assertEquals(1, countBefore(alice, isEvent("call:incoming", "callId", second), isEvent("call:reject")),
                        "call:reject once");
                end(marker, second);
            }
        }
    }

    @Test
    void aCallerHangingUpWhileItRingsIsAMissedCall() throws Exception {
        TestSystem.createChat(messaging.grpcPort(), "k3", "al3", "bo3");
        try (var alice = connect(gateway1, "al3", "phone");
             var phone = connect(gateway1, "bo3", "phone");
             var laptop = connect(gateway2, "bo3", "laptop")) {
            String callId = initiate(alice, "bo3", "audio").get("callId").asText();
            phone.awaitEvent("call:incoming");
            laptop.awaitEvent("call:incoming");

            JsonNode ended = alice.request("call:end", Map.of("callId", callId));
            assertEquals("cancelled", ended.get("reason").asText(), ended.toString());
            assertEquals("cancelled", phone.awaitEvent("call:end").get("reason").asText());
            assertEquals("cancelled", laptop.awaitEvent("call:end").get("reason").asText());
            assertEquals("cancelled", alice.request("call:end", Map.of("callId", callId)).get("reason").asText(),
                    "ending an ended call is an idempotent success");

            MissedCall missed = missedCalls().stream().filter(m -> m.getCallId().equals(callId)).findFirst().orElseThrow();
            assertEquals("al3", missed.getCallerId());
            assertEquals("bo3", missed.getCalleeId());
            assertEquals("cancelled", missed.getReason());
            assertEquals("missed", history("bo3").getFirst().getOutcome());
            assertEquals("cancelled", history("al3").getFirst().getOutcome());
        }
    }

    @Test
    void aCalleeInACallIsBusyAndTheBusyCallIsMissed() throws Exception {
        TestSystem.createChat(messaging.grpcPort(), "k4", "al4", "bo4", "ca4");
        try (var alice = connect(gateway1, "al4", "phone");
             var bob = connect(gateway2, "bo4", "phone");
             var carol = connect(gateway1, "ca4", "phone")) {
            String callId = initiate(alice, "bo4", "audio").get("callId").asText();
            bob.awaitEvent("call:incoming");
            assertTrue(bob.request("call:answer", answer(callId)).get("success").asBoolean());

            JsonNode busy = initiate(carol, "bo4", "video");
            assertTrue(busy.get("success").asBoolean(), busy.toString());
            assertEquals("ended", busy.get("state").asText());
            assertEquals("busy", busy.get("reason").asText());
            assertFalse(busy.has("iceServers"), busy.toString());
            String busyCall = busy.get("callId").asText();
            assertTrue(missedCalls().stream().anyMatch(m -> m.getCallId().equals(busyCall) && m.getReason().equals("busy")));
            assertEquals("busy", history("ca4").getFirst().getOutcome());
            // Calling someone while in a call: refused, the caller must end it first; the
            // refused initiation's tempId stays free for the retry after that.
            Map<String, Object> retry = Map.of("calleeId", "ca4", "callType", "audio",
                    "offer", Map.of("type", "offer", "sdp", OFFER_SDP), "tempId", "retry-4");
            JsonNode second = alice.request("call:initiate", retry);
            assertEquals("INVALID_ARGUMENT", second.at("/error/code").asText(), second.toString());

            end(bob, callId);
            assertEquals("hangup", alice.awaitEvent("call:end").get("reason").asText());
            JsonNode retried = alice.request("call:initiate", retry);
            assertEquals("ringing", retried.path("state").asText(), "the retry with the same tempId: " + retried);
            end(alice, retried.get("callId").asText());
            JsonNode free = initiate(carol, "bo4", "audio");
            assertEquals("ringing", free.get("state").asText(), "after the call ended the callee is free: " + free);
            end(carol, free.get("callId").asText());
        }
    }

    @Test
    void twoUsersCallingEachOtherOnTwoGatewaysConvergeOnExactlyOneCall() throws Exception {
        TestSystem.createChat(messaging.grpcPort(), "k5", "al5", "bo5");
        try (var alice = connect(gateway1, "al5", "phone");
             var bob = connect(gateway2, "bo5", "phone")) {
            for (int round = 0; round < 10; round++) {
                CountDownLatch start = new CountDownLatch(1);
                CompletableFuture<JsonNode> fromAlice = initiateWhen(start, alice, "bo5");
                CompletableFuture<JsonNode> fromBob = initiateWhen(start, bob, "al5");
                start.countDown();
                JsonNode a = fromAlice.get(30, TimeUnit.SECONDS);
                JsonNode b = fromBob.get(30, TimeUnit.SECONDS);
                assertTrue(a.get("success").asBoolean() && b.get("success").asBoolean(), a + " / " + b);
                String callId = a.get("callId").asText();
                assertEquals(callId, b.get("callId").asText(), "both name one call: " + a + " / " + b);
                assertEquals(1, (a.path("glare").asBoolean() ? 1 : 0) + (b.path("glare").asBoolean() ? 1 : 0),
                        "exactly one initiation converged: " + a + " / " + b);
                assertEquals("ringing", adminCall(callId).getState());
                // The one that converged is the callee: its devices ring for that call.
                WsTestClient callee = a.path("glare").asBoolean() ? alice : bob;
                assertEquals(callId, callee.awaitEvent("call:incoming").get("callId").asText());
                end(callee == alice ? bob : alice, callId);
                callee.awaitEvent("call:end", d -> d.get("callId").asText().equals(callId));
            }
        }
    }

    @Test
    void aCurrentCallRecordLeftBehindByACrashDoesNotKeepAUserBusy() throws Exception {
        TestSystem.createChat(messaging.grpcPort(), "k12", "al12", "bo12");
        try (var alice = connect(gateway1, "al12", "phone");
             var bob = connect(gateway2, "bo12", "phone");
             UnifiedJedis redis = REDIS.settings().newClient()) {
            // As if call-signalling died between claiming bob and writing the call's state.
            redis.hset(CallKeys.current("bo12"), Map.of("call", "never-written", "peer", "someone", "role", "callee"));
            JsonNode initiated = initiate(alice, "bo12", "audio");
            assertEquals("ringing", initiated.get("state").asText(), "not busy: " + initiated);
            assertEquals(initiated.get("callId").asText(), bob.awaitEvent("call:incoming").get("callId").asText());
            end(alice, initiated.get("callId").asText());
        }
    }

    @Test
    void aRetryAfterAFailureBetweenAChangeAndItsFollowUpFinishesTheFollowUp() throws Exception {
        TestSystem.createChat(messaging.grpcPort(), "k14", "al14", "bo14");
        try (var alice = connect(gateway1, "al14", "phone");
             var laptop = connect(gateway2, "bo14", "laptop");
             var phone = WsTestClient.connect(gateway1.port(), "/ws?token=" + TestTokens.access("bo14", "phone"), Map.of());
             UnifiedJedis redis = REDIS.settings().newClient()) {
            String phoneConnection = phone.awaitEvent("connected").get("connectionId").asText();
            String callId = initiate(alice, "bo14", "audio").get("callId").asText();
            laptop.awaitEvent("call:incoming");
            phone.awaitEvent("call:incoming");
            // What answer.lua does, without the steps after it: as when Redis answered the
            // script too late for the first attempt (the client was told UNAVAILABLE).
            redis.hset(CallKeys.state(callId), Map.of("state", "active", "answeredBy", phoneConnection,
                    "answeredAt", Long.toString(System.currentTimeMillis())));
            JsonNode retried = phone.request("call:answer", answer(callId));
            assertTrue(retried.get("success").asBoolean(), retried.toString());
            assertEquals(ANSWER_SDP, alice.awaitEvent("call:answer").at("/answer/sdp").asText());
            assertEquals("answered_elsewhere", laptop.awaitEvent("call:end").get("reason").asText());
            assertTrue(phone.request("call:answer", answer(callId)).get("success").asBoolean(), "a second retry");

            // The same for the end: ended in Redis, nobody told, no history.
            redis.hset(CallKeys.state(callId), Map.of("state", "ended", "reason", "hangup",
                    "endedAt", Long.toString(System.currentTimeMillis())));
            assertEquals("hangup", phone.request("call:end", Map.of("callId", callId)).get("reason").asText());
            assertEquals("hangup", alice.awaitEvent("call:end").get("reason").asText());
            assertEquals(callId, history("bo14").getFirst().getCallId());
            assertEquals(callId, history("al14").getFirst().getCallId());
            assertFalse(redis.exists(CallKeys.current("al14")), "the caller is free again");
            // Done once: a further end tells nobody again (the next event alice gets is the marker).
            phone.request("call:end", Map.of("callId", callId));
            TestSystem.createChat(messaging.grpcPort(), "k14b", "al14", "mk14");
            try (var marker = connect(gateway2, "mk14", "web")) {
                String next = initiate(marker, "al14", "audio").get("callId").asText();
                assertEquals(1, countBefore(alice, isEvent("call:incoming", "callId", next), isEvent("call:end")),
                        "call:end once");
                end(marker, next);
            }
        }
    }

    @Test
    void aRepeatedInitiateWithTheSameTempIdIsTheSameCall() throws Exception {
        TestSystem.createChat(messaging.grpcPort(), "k6", "al6", "bo6");
        try (var alice = connect(gateway1, "al6", "phone");
             var bob = connect(gateway2, "bo6", "phone")) {
            Map<String, Object> request = Map.of("calleeId", "bo6", "callType", "audio",
                    "offer", Map.of("type", "offer", "sdp", OFFER_SDP), "tempId", "t-42");
            JsonNode first = alice.request("call:initiate", request);
            JsonNode again = alice.request("call:initiate", request);
            assertEquals(first.get("callId").asText(), again.get("callId").asText(), first + " / " + again);
            assertEquals("ringing", again.get("state").asText());
            String callId = first.get("callId").asText();
            bob.awaitEvent("call:incoming");
            end(alice, callId);
            assertEquals(1, countBefore(bob, isEvent("call:end", "callId", callId), isEvent("call:incoming")),
                    "call:incoming once");
        }
    }

    @Test
    void candidatesGoOnlyBetweenTheTwoConnectionsInTheCall() throws Exception {
        TestSystem.createChat(messaging.grpcPort(), "k7", "al7", "bo7");
        try (var alice = connect(gateway1, "al7", "phone");
             var phone = connect(gateway1, "bo7", "phone");
             var laptop = connect(gateway2, "bo7", "laptop");
             var stranger = connect(gateway2, "st7", "phone")) {
            String callId = initiate(alice, "bo7", "video").get("callId").asText();
            phone.awaitEvent("call:incoming");
            laptop.awaitEvent("call:incoming");
            // Before the answer: from the caller to every ringing device.
            assertTrue(candidate(alice, callId, candidateInit("candidate:1 1 udp 1 10.0.0.1 5000 typ host")).get("success").asBoolean());
            for (WsTestClient device : List.of(phone, laptop)) {
                JsonNode relayed = device.awaitEvent("call:ice-candidate");
                assertEquals("al7", relayed.get("fromUserId").asText());
                assertEquals("candidate:1 1 udp 1 10.0.0.1 5000 typ host", relayed.at("/candidate/candidate").asText());
                assertEquals("0", relayed.at("/candidate/sdpMid").asText());
                assertEquals(0, relayed.at("/candidate/sdpMLineIndex").asInt());
            }
            JsonNode early = candidate(laptop, callId, candidateInit("candidate:2 1 udp 1 10.0.0.3 5000 typ host"));
            assertEquals("INVALID_ARGUMENT", early.at("/error/code").asText(), "a candidate before the answer: " + early);

            assertTrue(laptop.request("call:answer", answer(callId)).get("success").asBoolean());
            alice.awaitEvent("call:answer");
            phone.awaitEvent("call:end");
            candidate(alice, callId, candidateInit("candidate:3 1 udp 1 10.0.0.1 5001 typ host"));
            assertEquals("candidate:3 1 udp 1 10.0.0.1 5001 typ host",
                    laptop.awaitEvent("call:ice-candidate").at("/candidate/candidate").asText());
            // End-of-candidates, both forms, relayed as sent.
            Map<String, Object> nullForm = new HashMap<>();
            nullForm.put("callId", callId);
            nullForm.put("candidate", null);
            assertTrue(laptop.request("call:ice-candidate", nullForm).get("success").asBoolean());
            JsonNode end = alice.awaitEvent("call:ice-candidate");
            assertTrue(end.has("candidate") && end.get("candidate").isNull(), "null relayed as null: " + end);
            assertTrue(candidate(laptop, callId, candidateInit("")).get("success").asBoolean());
            assertEquals("", alice.awaitEvent("call:ice-candidate").at("/candidate/candidate").asText());
            JsonNode absent = laptop.request("call:ice-candidate", Map.of("callId", callId));
            assertEquals("INVALID_ARGUMENT", absent.at("/error/code").asText(), "no candidate at all: " + absent);

            JsonNode fromStranger = candidate(stranger, callId, candidateInit("candidate:9 1 udp 1 6.6.6.6 1 typ host"));
            assertEquals("NOT_FOUND", fromStranger.at("/error/code").asText(), fromStranger.toString());
            JsonNode fromOtherDevice = candidate(phone, callId, candidateInit("candidate:8 1 udp 1 10.0.0.4 1 typ host"));
            assertEquals("INVALID_ARGUMENT", fromOtherDevice.at("/error/code").asText(), fromOtherDevice.toString());
            JsonNode unknown = candidate(alice, "no-such-call", candidateInit("candidate:7 1 udp 1 10.0.0.1 1 typ host"));
            assertEquals("NOT_FOUND", unknown.at("/error/code").asText(), unknown.toString());

            alice.request("call:end", Map.of("callId", callId));
            // The phone (not in the call) saw none of the candidates after the answer: call:end is later.
            assertEquals("hangup", laptop.awaitEvent("call:end").get("reason").asText());
            phone.assertNoneBefore(isEvent("call:end", "reason", "hangup"),
                    isEvent("call:ice-candidate").and(f -> !f.at("/data/candidate/candidate").asText().endsWith("5000 typ host")),
                    "candidate for a device not in the call");
            JsonNode late = candidate(alice, callId, candidateInit("candidate:6 1 udp 1 10.0.0.1 1 typ host"));
            assertEquals("INVALID_ARGUMENT", late.at("/error/code").asText(), "a candidate for an ended call: " + late);
        }
    }

    @Test
    void onlyThoseWhoShareAChatOrAreListedAsContactsMayCall() throws Exception {
        try (var stranger = connect(gateway1, "st8", "phone");
             var bob = connect(gateway2, "bo8", "phone")) {
            JsonNode refused = initiate(stranger, "bo8", "audio");
            assertEquals("FORBIDDEN", refused.at("/error/code").asText(), refused.toString());
            JsonNode unknown = initiate(stranger, "nobody-at-all", "audio");
            assertEquals("FORBIDDEN", unknown.at("/error/code").asText(), "unknown looks like hidden: " + unknown);
            JsonNode self = initiate(bob, "bo8", "audio");
            assertEquals("INVALID_ARGUMENT", self.at("/error/code").asText(), self.toString());

            TestSystem.setContacts(presence.grpcPort(), "bo8", "st8");
            JsonNode allowed = initiate(stranger, "bo8", "audio");
            assertEquals("ringing", allowed.get("state").asText(), allowed.toString());
            bob.awaitEvent("call:incoming");
            end(stranger, allowed.get("callId").asText());
            // The listing is one-way: bob listed st8, st8 did not list bob.
            JsonNode back = initiate(bob, "st8", "audio");
            assertEquals("FORBIDDEN", back.at("/error/code").asText(), back.toString());
        }
    }

    @Test
    void aCalleeWithNoConnectionIsUnavailableAtOnceAndTheCallIsMissed() throws Exception {
        TestSystem.createChat(messaging.grpcPort(), "k9", "al9", "bo9");
        try (var alice = connect(gateway1, "al9", "phone")) {
            JsonNode unavailable = initiate(alice, "bo9", "audio");
            assertEquals("ended", unavailable.get("state").asText(), unavailable.toString());
            assertEquals("unavailable", unavailable.get("reason").asText());
            String callId = unavailable.get("callId").asText();
            assertTrue(missedCalls().stream().anyMatch(m -> m.getCallId().equals(callId) && m.getReason().equals("unavailable")));
            assertEquals("unavailable", history("al9").getFirst().getOutcome());
            assertEquals("missed", history("bo9").getFirst().getOutcome());
        }
    }

    @Test
    void anAnsweredCallEndedByEitherSideEndsOnEveryDeviceOfBothAndIsInBothHistories() throws Exception {
        TestSystem.createChat(messaging.grpcPort(), "k10", "al10", "bo10");
        try (var alice = connect(gateway1, "al10", "phone");
             var aliceLaptop = connect(gateway2, "al10", "laptop");
             var bob = connect(gateway2, "bo10", "phone")) {
            String callId = initiate(alice, "bo10", "video").get("callId").asText();
            bob.awaitEvent("call:incoming");
            assertTrue(bob.request("call:answer", answer(callId)).get("success").asBoolean());
            assertTrue(bob.request("call:answer", answer(callId)).get("success").asBoolean(), "a repeat of the winning answer");
            alice.awaitEvent("call:answer");

            JsonNode ended = bob.request("call:end", Map.of("callId", callId));
            assertEquals("hangup", ended.get("reason").asText());
            assertEquals("hangup", alice.awaitEvent("call:end").get("reason").asText());
            assertEquals("hangup", aliceLaptop.awaitEvent("call:end").get("reason").asText());
            for (String user : List.of("al10", "bo10")) {
                CallHistoryEntry entry = history(user).getFirst();
                assertEquals(callId, entry.getCallId());
                assertEquals("completed", entry.getOutcome());
                assertEquals("video", entry.getCallType());
                assertFalse(entry.getAnsweredAt().isEmpty());
                assertTrue(entry.getDurationMs() >= 0);
            }
            assertEquals("outgoing", history("al10").getFirst().getDirection());
            assertEquals("bo10", history("al10").getFirst().getPeerId());
        }
    }

    @Test
    void aConnectionThatClosesEndsItsCallAtOnceForTheOtherParty() throws Exception {
        TestSystem.createChat(messaging.grpcPort(), "k13", "al13", "bo13");
        try (var alice = connect(gateway1, "al13", "phone")) {
            var bob = connect(gateway2, "bo13", "phone");
            String callId = initiate(alice, "bo13", "video").get("callId").asText();
            bob.awaitEvent("call:incoming");
            assertTrue(bob.request("call:answer", answer(callId)).get("success").asBoolean());
            alice.awaitEvent("call:answer");

            long closedAt = System.currentTimeMillis();
            bob.close();
            assertEquals("connection_lost", alice.awaitEvent("call:end").get("reason").asText());
            // From the close report: an expiry could come no sooner than the 25 s connection
            // lifetime minus the 10 s alive interval after the close.
            long tookMs = System.currentTimeMillis() - closedAt;
            assertTrue(tookMs < 10_000, "ended " + tookMs + " ms after the close: by expiry, not by the close report");
            assertEquals("ended", adminCall(callId).getState());
            assertEquals("completed", history("al13").getFirst().getOutcome());
        }
    }

    @Test
    void aCallerClosingRightAfterItsInitiateEndsTheCallAtOnce() throws Exception {
        TestSystem.createChat(messaging.grpcPort(), "k15", "al15", "bo15");
        try (var bob = connect(gateway2, "bo15", "phone")) {
            var alice = connect(gateway1, "al15", "phone");
            alice.emit("call:initiate", Map.of("calleeId", "bo15", "callType", "audio",
                    "offer", Map.of("type", "offer", "sdp", OFFER_SDP)));
            long closedAt = System.currentTimeMillis();
            alice.close(); // while the initiate may still be on its way to call-signalling
            String callId = bob.awaitEvent("call:incoming").get("callId").asText();
            assertEquals("connection_lost", bob.awaitEvent("call:end", d -> d.get("callId").asText().equals(callId))
                    .get("reason").asText());
            long tookMs = System.currentTimeMillis() - closedAt;
            assertTrue(tookMs < 10_000, "ended " + tookMs + " ms after the close: by expiry, the close report was lost");
        }
    }

    @Test
    void aDeviceOfTheCalleeThatConnectsWhileItRingsIsRungTooAndMayAnswer() throws Exception {
        TestSystem.createChat(messaging.grpcPort(), "k16", "al16", "bo16");
        try (var alice = connect(gateway1, "al16", "phone");
             var phone = connect(gateway1, "bo16", "phone")) {
            String callId = initiate(alice, "bo16", "video").get("callId").asText();
            phone.awaitEvent("call:incoming");
            try (var laptop = connect(gateway2, "bo16", "laptop")) {
                JsonNode incoming = laptop.awaitEvent("call:incoming");
                assertEquals(callId, incoming.get("callId").asText());
                assertEquals(OFFER_SDP, incoming.at("/offer/sdp").asText());
                assertIceServers(incoming, "bo16");
                assertTrue(laptop.request("call:answer", answer(callId)).get("success").asBoolean());
                alice.awaitEvent("call:answer");
                assertEquals("answered_elsewhere", phone.awaitEvent("call:end").get("reason").asText());
                // Once answered, a device that connects is not rung.
                try (var tablet = connect(gateway1, "bo16", "tablet")) {
                    end(alice, callId);
                    tablet.assertNoneBefore(isEvent("call:end", "callId", callId), isEvent("call:incoming"),
                            "a ring after the answer");
                }
            }
        }
    }

    @Test
    void malformedRequestsAreRefusedToTheirSenderOnly() throws Exception {
        TestSystem.createChat(messaging.grpcPort(), "k11", "al11", "bo11");
        try (var alice = connect(gateway1, "al11", "phone");
             var bob = connect(gateway2, "bo11", "phone")) {
            List<Object> bad = new ArrayList<>(List.of(
                    Map.of("calleeId", "bo11", "callType", "hologram", "offer", Map.of("type", "offer", "sdp", OFFER_SDP)),
                    Map.of("calleeId", "bo11", "callType", "audio", "offer", Map.of("type", "answer", "sdp", OFFER_SDP)),
                    Map.of("calleeId", "bo11", "callType", "audio"),
                    Map.of("calleeId", "bo11", "callType", "audio", "offer", Map.of("type", "offer", "sdp", "x".repeat(70_000))),
                    Map.of("calleeId", "bo 11", "callType", "audio", "offer", Map.of("type", "offer", "sdp", OFFER_SDP)),
                    Map.of("calleeId", "bo11", "callType", "audio", "offer", "v=0")));
            for (Object request : bad) {
                JsonNode ack = alice.request("call:initiate", request);
                assertEquals("INVALID_ARGUMENT", ack.at("/error/code").asText(), ack.toString());
                assertFalse(ack.at("/error/message").asText().contains("v=0"), "never quotes the SDP: " + ack);
            }
            String callId = initiate(alice, "bo11", "audio").get("callId").asText();
            bob.awaitEvent("call:incoming");
            JsonNode wrongShape = alice.request("call:ice-candidate", Map.of("callId", callId, "candidate", "candidate:1"));
            assertEquals("INVALID_ARGUMENT", wrongShape.at("/error/code").asText(), wrongShape.toString());
            Object deep = "x";
            for (int i = 0; i < 40; i++) {
                deep = List.of(deep);
            }
            JsonNode tooDeep = candidate(alice, callId, Map.of("candidate", "candidate:1", "x", deep));
            assertEquals("INVALID_ARGUMENT", tooDeep.at("/error/code").asText(), "nested 40 deep: " + tooDeep);
            alice.sendText("{\"event\":\"call:ice-candidate\",\"id\":9001,\"data\":{\"callId\":\"" + callId
                    + "\",\"candidate\":{\"candidate\":\"candidate:1 \\ud800\",\"sdpMid\":\"0\"}}}");
            JsonNode surrogate = alice.await(f -> f.path("ack").asInt() == 9001).get("data");
            assertEquals("INVALID_ARGUMENT", surrogate.at("/error/code").asText(), "an unpaired surrogate: " + surrogate);
            JsonNode badIndex = candidate(alice, callId, Map.of("candidate", "candidate:1", "sdpMLineIndex", 1.5));
            assertEquals("INVALID_ARGUMENT", badIndex.at("/error/code").asText(), badIndex.toString());
            JsonNode badReason = bob.request("call:reject", Map.of("callId", callId, "reason", "Not Now!"));
            assertEquals("INVALID_ARGUMENT", badReason.at("/error/code").asText(), badReason.toString());
            JsonNode noAnswerSdp = bob.request("call:answer", Map.of("callId", callId));
            assertEquals("INVALID_ARGUMENT", noAnswerSdp.at("/error/code").asText(), noAnswerSdp.toString());
            // None of that reached bob, and the call still rings for him.
            JsonNode realAnswer = bob.request("call:answer", answer(callId));
            assertTrue(realAnswer.get("success").asBoolean(), realAnswer.toString());
            alice.awaitEvent("call:answer");
            end(alice, callId);
            bob.assertNoneBefore(isEvent("call:end"), isEvent("call:ice-candidate"), "a refused candidate");
        }
    }

    private static WsTestClient connect(Main gateway, String user, String device) throws InterruptedException {
        return WsTestClient.connectAs(gateway.port(), TestTokens.access(user, device));
    }

    /** The STUN server, then the TURN server with a credential minted for {@code user}. */
    private static void assertIceServers(JsonNode data, String user) {
        JsonNode servers = data.get("iceServers");
        assertEquals(2, servers.size(), data.toString());
        assertEquals("stun:stun.sup.test:3478", servers.at("/0/urls/0").asText());
        assertFalse(servers.get(0).has("credential"));
        assertEquals("turn:turn.sup.test:3478?transport=udp", servers.at("/1/urls/0").asText());
        String username = servers.at("/1/username").asText();
        assertTrue(TURN_USERNAME.matcher(username).matches() && username.endsWith(":" + user), username);
        assertFalse(servers.at("/1/credential").asText().isEmpty());
    }

    private static io.sup.realtime.proto.calls.v1.Call adminCall(String callId) {
        return admin.call(callId);
    }

    private static List<CallHistoryEntry> history(String user) {
        return admin.history(user);
    }

    private static List<MissedCall> missedCalls() {
        return admin.missedCalls();
    }
}
