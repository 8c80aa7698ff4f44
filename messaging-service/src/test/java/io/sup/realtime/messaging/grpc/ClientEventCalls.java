package io.sup.realtime.messaging.grpc;

import java.util.List;
import java.util.function.BiConsumer;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.sup.realtime.messaging.ClientEvent;
import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.proto.gateway.v1.Caller;
import io.sup.realtime.proto.messaging.v1.GetActiveMembersRequest;
import io.sup.realtime.proto.messaging.v1.GetReactionsRequest;
import io.sup.realtime.proto.messaging.v1.JoinChatRequest;
import io.sup.realtime.proto.messaging.v1.JoinChatsRequest;
import io.sup.realtime.proto.messaging.v1.LeaveChatRequest;
import io.sup.realtime.proto.messaging.v1.MessagingServiceGrpc.MessagingServiceBlockingStub;
import io.sup.realtime.proto.messaging.v1.ReactionRequest;
import io.sup.realtime.proto.messaging.v1.ReceiptRequest;
import io.sup.realtime.proto.messaging.v1.SendMessageRequest;
import io.sup.realtime.proto.messaging.v1.SyncMessagesRequest;
import io.sup.realtime.proto.messaging.v1.TypingRequest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One valid request per client event, as its RPC, for the rate-limit tests: each acts in chat
 * {@code c1} on message {@code 1}, which the caller may act on (a member, the message is
 * someone else's).
 */
final class ClientEventCalls {
    private ClientEventCalls() {
    }

    /** The call that carries {@code event}. */
    static BiConsumer<MessagingServiceBlockingStub, Caller> of(ClientEvent event) {
        return switch (event) {
            case MESSAGE_NEW -> (stub, caller) -> stub.sendMessage(SendMessageRequest.newBuilder().setCaller(caller)
                    .setChatId("c1").setContent("hi").build());
            case MESSAGE_SYNC -> (stub, caller) -> stub.syncMessages(SyncMessagesRequest.newBuilder().setCaller(caller)
                    .setChatId("c1").build());
            case MESSAGE_DELIVERED -> (stub, caller) -> stub.markDelivered(ReceiptRequest.newBuilder().setCaller(caller)
                    .setChatId("c1").addMessageIds("1").build());
            case MESSAGE_READ -> (stub, caller) -> stub.markRead(ReceiptRequest.newBuilder().setCaller(caller)
                    .setChatId("c1").addMessageIds("1").build());
            case MESSAGE_TYPING -> (stub, caller) -> stub.startTyping(TypingRequest.newBuilder().setCaller(caller)
                    .setChatId("c1").build());
            case MESSAGE_STOP_TYPING -> (stub, caller) -> stub.stopTyping(TypingRequest.newBuilder().setCaller(caller)
                    .setChatId("c1").build());
            case REACTION_NEW -> (stub, caller) -> stub.addReaction(ReactionRequest.newBuilder().setCaller(caller)
                    .setChatId("c1").setMessageId("1").setEmoji("👍").build());
            case REACTION_REMOVE -> (stub, caller) -> stub.removeReaction(ReactionRequest.newBuilder().setCaller(caller)
                    .setChatId("c1").setMessageId("1").setEmoji("👍").build());
            case REACTION_GET -> (stub, caller) -> stub.getReactions(GetReactionsRequest.newBuilder().setCaller(caller)
                    .setChatId("c1").setMessageId("1").build());
            case CHAT_JOIN -> (stub, caller) -> stub.joinChat(JoinChatRequest.newBuilder().setCaller(caller)
                    .setChatId("c1").build());
            case CHAT_LEAVE -> (stub, caller) -> stub.leaveChat(LeaveChatRequest.newBuilder().setCaller(caller)
                    .setChatId("c1").build());
            case CHAT_JOIN_MULTIPLE -> (stub, caller) -> stub.joinChats(JoinChatsRequest.newBuilder().setCaller(caller)
                    .addAllChatIds(List.of("c1")).build());
            case CHAT_GET_ACTIVE_MEMBERS -> (stub, caller) -> stub.getActiveMembers(GetActiveMembersRequest.newBuilder()
                    .setCaller(caller).setChatId("c1").build());
        };
    }

    /**
     * Asserts that {@code call} is refused for its rate limit: RESOURCE_EXHAUSTED, a message
     * naming {@code event}, and a {@code retry-after-ms} trailer in (0, {@code windowMs}].
     *
     * @return the retry time
     */
    static long assertRateLimited(ClientEvent event, long windowMs, Runnable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run, event.wireName() + " refused");
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode(), e.getStatus().toString());
        assertTrue(e.getStatus().getDescription().startsWith(event.wireName() + " rate limit: "),
                e.getStatus().getDescription());
        String retry = e.getTrailers() == null ? null : e.getTrailers().get(ServiceException.RETRY_AFTER_MS);
        assertNotNull(retry, "a retry-after-ms trailer");
        long retryAfterMs = Long.parseLong(retry);
        assertTrue(retryAfterMs > 0 && retryAfterMs <= windowMs, "retry-after-ms in (0, " + windowMs + "]: " + retryAfterMs);
        assertTrue(e.getStatus().getDescription().endsWith("; retry in " + retryAfterMs + " ms"),
                e.getStatus().getDescription());
        return retryAfterMs;
    }
}
