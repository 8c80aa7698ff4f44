package io.sup.realtime.gateway.routing;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.sup.realtime.gateway.connection.ClientConnection;
import io.sup.realtime.gateway.connection.LocalConnections;
import io.sup.realtime.gateway.protocol.ClientEvent;
import io.sup.realtime.gateway.protocol.ErrorCode;
import io.sup.realtime.platform.bus.Rooms;
import io.sup.realtime.platform.json.ProtoJson;
import io.sup.realtime.proto.gateway.v1.Caller;
import io.sup.realtime.proto.messaging.v1.GetActiveMembersRequest;
import io.sup.realtime.proto.messaging.v1.GetReactionsRequest;
import io.sup.realtime.proto.messaging.v1.JoinChatRequest;
import io.sup.realtime.proto.messaging.v1.JoinChatsRequest;
import io.sup.realtime.proto.messaging.v1.LeaveChatRequest;
import io.sup.realtime.proto.messaging.v1.MessagingServiceGrpc;
import io.sup.realtime.proto.messaging.v1.MessagingServiceGrpc.MessagingServiceBlockingStub;
import io.sup.realtime.proto.messaging.v1.ReactionRequest;
import io.sup.realtime.proto.messaging.v1.ReceiptRequest;
import io.sup.realtime.proto.messaging.v1.SendMessageRequest;
import io.sup.realtime.proto.messaging.v1.SyncMessagesRequest;
import io.sup.realtime.proto.messaging.v1.TypingRequest;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Maps each client event to one gRPC call on the service that owns it, with a deadline, and
 * the reply or status to an {@link Outcome}. The event's JSON data is read into the request
 * message (canonical proto3 JSON, unknown fields ignored), and the gateway then sets the
 * request's {@code caller}, so a client can never speak for someone else.
 *
 * <p>Runs on the connection's {@link io.sup.realtime.gateway.connection.InboundQueue}, one
 * event at a time, so a client's events reach the services in the order it sent them.
 */
public final class EventRouter {
    private static final Logger LOG = System.getLogger(EventRouter.class.getName());

    private final Map<String, Route> routes = new HashMap<>();
    private final LocalConnections connections;
    private final MessagingServiceBlockingStub messaging;
    private final Duration deadline;

    /**
     * @param messagingChannel channel to messaging-service
     * @param connections      local connections (chat:join / chat:leave change local rooms)
     * @param deadline         deadline of each gRPC call
     */
    public EventRouter(Channel messagingChannel, LocalConnections connections, Duration deadline) {
        this.messaging = MessagingServiceGrpc.newBlockingStub(messagingChannel);
        this.connections = connections;
        this.deadline = deadline;
        routeMessaging();
    }

    /** A client event's handling: caller in, reply out. */
    @FunctionalInterface
    private interface Route {
        Message call(ClientConnection connection, Caller caller, String dataJson) throws InvalidProtocolBufferException;
    }

    private void routeMessaging() {
        routes.put("message:new", (c, caller, data) ->
                stub().sendMessage(parse(data, SendMessageRequest.newBuilder()).setCaller(caller).build()));
        routes.put("message:sync", (c, caller, data) ->
                stub().syncMessages(parse(data, SyncMessagesRequest.newBuilder()).setCaller(caller).build()));
        routes.put("message:delivered", (c, caller, data) ->
                stub().markDelivered(parse(data, ReceiptRequest.newBuilder()).setCaller(caller).build()));
        routes.put("message:read", (c, caller, data) ->
                stub().markRead(parse(data, ReceiptRequest.newBuilder()).setCaller(caller).build()));
        routes.put("message:typing", (c, caller, data) ->
                stub().startTyping(parse(data, TypingRequest.newBuilder()).setCaller(caller).build()));
        routes.put("message:stop-typing", (c, caller, data) ->
                stub().stopTyping(parse(data, TypingRequest.newBuilder()).setCaller(caller).build()));
        routes.put("reaction:new", (c, caller, data) ->
                stub().addReaction(parse(data, ReactionRequest.newBuilder()).setCaller(caller).build()));
        routes.put("reaction:remove", (c, caller, data) ->
                stub().removeReaction(parse(data, ReactionRequest.newBuilder()).setCaller(caller).build()));
        routes.put("reaction:get", (c, caller, data) ->
                stub().getReactions(parse(data, GetReactionsRequest.newBuilder()).setCaller(caller).build()));
        routes.put("chat:join", (c, caller, data) -> {
            var reply = stub().joinChat(parse(data, JoinChatRequest.newBuilder()).setCaller(caller).build());
            connections.join(c, Rooms.chat(reply.getChatId()));
            return reply;
        });
        routes.put("chat:leave", (c, caller, data) -> {
            var reply = stub().leaveChat(parse(data, LeaveChatRequest.newBuilder()).setCaller(caller).build());
            connections.leave(c, Rooms.chat(reply.getChatId()));
            return reply;
        });
        routes.put("chat:join-multiple", (c, caller, data) -> {
            var reply = stub().joinChats(parse(data, JoinChatsRequest.newBuilder()).setCaller(caller).build());
            reply.getResultsList().stream().filter(r -> r.getJoined())
                    .forEach(r -> connections.join(c, Rooms.chat(r.getChatId())));
            return reply;
        });
        routes.put("chat:get-active-members", (c, caller, data) ->
                stub().getActiveMembers(parse(data, GetActiveMembersRequest.newBuilder()).setCaller(caller).build()));
    }

    /**
     * Handles one event of an authenticated connection.
     *
     * @return the outcome to ack (or to report in an {@code error} event)
     */
    public Outcome handle(ClientConnection connection, ClientEvent event) {
        ClientEvents.Domain owner = ClientEvents.OWNERS.get(event.name());
        if (owner == null) {
            return new Outcome.Failed(ErrorCode.INVALID_ARGUMENT, "unknown event");
        }
        Route route = routes.get(event.name());
        if (route == null) {
            return new Outcome.Failed(ErrorCode.UNIMPLEMENTED,
                    owner.name().toLowerCase() + " events are not implemented yet");
        }
        try {
            return new Outcome.Ok(ProtoJson.print(route.call(connection, connection.caller(), event.dataJson())));
        } catch (InvalidProtocolBufferException e) {
            // The parser's message may quote the bad value: the client gets it, the log does not.
            return new Outcome.Failed(ErrorCode.INVALID_ARGUMENT, "invalid data: " + e.getMessage());
        } catch (StatusRuntimeException e) {
            ErrorCode code = StatusMapping.errorCode(e.getStatus().getCode());
            if (code == ErrorCode.INTERNAL || code == ErrorCode.UNAVAILABLE) {
                LOG.log(Level.WARNING, event.name() + " failed: " + e.getStatus().getCode()
                        + (e.getStatus().getDescription() != null ? " " + e.getStatus().getDescription() : ""));
            }
            return new Outcome.Failed(code, StatusMapping.message(e.getStatus()), StatusMapping.retryAfterMs(e));
        } catch (JedisException e) {
            // The gateway's own Redis (routing registry) failed while changing rooms.
            LOG.log(Level.WARNING, event.name() + " failed: gateway Redis unavailable (" + e.getClass().getSimpleName() + ")");
            return new Outcome.Failed(ErrorCode.UNAVAILABLE, "service unavailable, retry later");
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, event.name() + " failed in the gateway", e);
            return new Outcome.Failed(ErrorCode.INTERNAL, "internal error");
        }
    }

    private MessagingServiceBlockingStub stub() {
        return messaging.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static <B extends Message.Builder> B parse(String json, B builder) throws InvalidProtocolBufferException {
        ProtoJson.merge(json, builder);
        return builder;
    }
}
