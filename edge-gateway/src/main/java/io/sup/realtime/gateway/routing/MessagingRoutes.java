package io.sup.realtime.gateway.routing;

import static io.sup.realtime.gateway.routing.Route.parse;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.grpc.Channel;
import io.sup.realtime.gateway.connection.LocalConnections;
import io.sup.realtime.platform.bus.Rooms;
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

/**
 * The messaging domain's events -> {@code sup.messaging.v1.MessagingService}. The room events
 * ({@code chat:join}, {@code chat:leave}, {@code chat:join-multiple}) also change the
 * connection's local rooms once the service has allowed them, so room deliveries find it.
 */
public final class MessagingRoutes implements RouteTable {
    private final MessagingServiceBlockingStub messaging;
    private final LocalConnections connections;
    private final Duration deadline;
    private final Map<String, Route> routes = new LinkedHashMap<>();

    /**
     * @param channel     channel to messaging-service
     * @param connections local connections (chat:join / chat:leave change local rooms)
     * @param deadline    deadline of each gRPC call
     */
    public MessagingRoutes(Channel channel, LocalConnections connections, Duration deadline) {
        this.messaging = MessagingServiceGrpc.newBlockingStub(channel);
        this.connections = connections;
        this.deadline = deadline;
        register();
    }

    @Override
    public ClientEvents.Domain domain() {
        return ClientEvents.Domain.MESSAGING;
    }

    @Override
    public Map<String, Route> routes() {
        return Collections.unmodifiableMap(routes);
    }

    private void register() {
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

    /** The stub with a fresh deadline: a deadline is an instant, so each call needs its own. */
    private MessagingServiceBlockingStub stub() {
        return messaging.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }
}
