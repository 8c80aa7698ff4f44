package io.sup.realtime.gateway.e2e;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.ManagedChannel;
import io.sup.realtime.platform.grpc.GrpcChannels;
import io.sup.realtime.proto.calls.v1.Call;
import io.sup.realtime.proto.calls.v1.CallAdminServiceGrpc;
import io.sup.realtime.proto.calls.v1.CallHistoryEntry;
import io.sup.realtime.proto.calls.v1.GetCallRequest;
import io.sup.realtime.proto.calls.v1.ListCallHistoryRequest;
import io.sup.realtime.proto.calls.v1.ListMissedCallsRequest;
import io.sup.realtime.proto.calls.v1.MissedCall;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The call events as a test's WebSocket clients send them, and call-signalling's admin API
 * (calls, history, missed calls) over a real channel, for the call end-to-end tests.
 */
final class CallClient implements AutoCloseable {
    static final String OFFER_SDP = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
    static final String ANSWER_SDP = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=answer\r\n";

    private final ManagedChannel admin;

    /** @param callsPort call-signaling-service's gRPC port */
    CallClient(int callsPort) {
        this.admin = GrpcChannels.forTarget("localhost:" + callsPort);
    }

    static JsonNode initiate(WsTestClient caller, String callee, String type) throws Exception {
        return caller.request("call:initiate", Map.of("calleeId", callee, "callType", type,
                "offer", Map.of("type", "offer", "sdp", OFFER_SDP)));
    }

    /** {@link #initiate} once {@code start} opens, on another thread. */
    static CompletableFuture<JsonNode> initiateWhen(CountDownLatch start, WsTestClient caller, String callee) {
        return when(start, () -> initiate(caller, callee, "audio"));
    }

    static Map<String, Object> answer(String callId) {
        return Map.of("callId", callId, "answer", Map.of("type", "answer", "sdp", ANSWER_SDP));
    }

    /** A {@code call:answer} once {@code start} opens, on another thread. */
    static CompletableFuture<JsonNode> answerWhen(CountDownLatch start, WsTestClient device, String callId) {
        return when(start, () -> device.request("call:answer", answer(callId)));
    }

    /** An RTCIceCandidateInit for m-line 0. */
    static Map<String, Object> candidateInit(String line) {
        return Map.of("candidate", line, "sdpMid", "0", "sdpMLineIndex", 0);
    }

    static JsonNode candidate(WsTestClient from, String callId, Object candidate) throws Exception {
        return from.request("call:ice-candidate", Map.of("callId", callId, "candidate", candidate));
    }

    static void end(WsTestClient party, String callId) throws Exception {
        JsonNode ack = party.request("call:end", Map.of("callId", callId));
        assertTrue(ack.get("success").asBoolean(), ack.toString());
    }

    /** How many frames matching {@code what} {@code client} received before {@code marker} (taken or not). */
    static long countBefore(WsTestClient client, Predicate<JsonNode> marker, Predicate<JsonNode> what)
            throws InterruptedException {
        return client.receivedBefore(marker).stream().filter(what).count();
    }

    Call call(String callId) {
        return stub().getCall(GetCallRequest.newBuilder().setCallId(callId).build());
    }

    List<CallHistoryEntry> history(String user) {
        return stub().listCallHistory(ListCallHistoryRequest.newBuilder().setUserId(user).build()).getEntriesList();
    }

    List<MissedCall> missedCalls() {
        return stub().listMissedCalls(ListMissedCallsRequest.newBuilder().setLimit(1000).build()).getMissedCallsList();
    }

    private CallAdminServiceGrpc.CallAdminServiceBlockingStub stub() {
        return CallAdminServiceGrpc.newBlockingStub(admin).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @FunctionalInterface
    private interface Request {
        JsonNode send() throws Exception;
    }

    private static CompletableFuture<JsonNode> when(CountDownLatch start, Request request) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                start.await();
                return request.send();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Override
    public void close() {
        GrpcChannels.close(admin);
    }
}
