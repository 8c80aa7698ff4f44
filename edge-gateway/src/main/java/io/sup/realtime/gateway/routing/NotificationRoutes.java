package io.sup.realtime.gateway.routing;

import static io.sup.realtime.gateway.routing.Route.parse;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.grpc.Channel;
import io.sup.realtime.proto.notifications.v1.ClearAllRequest;
import io.sup.realtime.proto.notifications.v1.ClearRequest;
import io.sup.realtime.proto.notifications.v1.GetPendingRequest;
import io.sup.realtime.proto.notifications.v1.GetPreferencesRequest;
import io.sup.realtime.proto.notifications.v1.MarkReadRequest;
import io.sup.realtime.proto.notifications.v1.MuteChatRequest;
import io.sup.realtime.proto.notifications.v1.NotificationServiceGrpc;
import io.sup.realtime.proto.notifications.v1.NotificationServiceGrpc.NotificationServiceBlockingStub;
import io.sup.realtime.proto.notifications.v1.RegisterPushDeviceRequest;
import io.sup.realtime.proto.notifications.v1.SetDoNotDisturbRequest;
import io.sup.realtime.proto.notifications.v1.UnmuteChatRequest;
import io.sup.realtime.proto.notifications.v1.UnregisterPushDeviceRequest;

/**
 * The notification domain's events (notifications, preferences, push registrations) ->
 * {@code sup.notifications.v1.NotificationService}; the gateway keeps no notification state.
 */
public final class NotificationRoutes implements RouteTable {
    private final NotificationServiceBlockingStub notifications;
    private final Duration deadline;
    private final Map<String, Route> routes = new LinkedHashMap<>();

    /**
     * @param channel  channel to notification-service
     * @param deadline deadline of each gRPC call
     */
    public NotificationRoutes(Channel channel, Duration deadline) {
        this.notifications = NotificationServiceGrpc.newBlockingStub(channel);
        this.deadline = deadline;
        register();
    }

    @Override
    public ClientEvents.Domain domain() {
        return ClientEvents.Domain.NOTIFICATIONS;
    }

    @Override
    public Map<String, Route> routes() {
        return Collections.unmodifiableMap(routes);
    }

    private void register() {
        routes.put("notification:get-pending", (c, caller, data) ->
                stub().getPending(parse(data, GetPendingRequest.newBuilder()).setCaller(caller).build()));
        routes.put("notification:read", (c, caller, data) ->
                stub().markRead(parse(data, MarkReadRequest.newBuilder()).setCaller(caller).build()));
        routes.put("notification:clear", (c, caller, data) ->
                stub().clear(parse(data, ClearRequest.newBuilder()).setCaller(caller).build()));
        routes.put("notification:clear-all", (c, caller, data) ->
                stub().clearAll(parse(data, ClearAllRequest.newBuilder()).setCaller(caller).build()));
        routes.put("notification:mute", (c, caller, data) ->
                stub().muteChat(parse(data, MuteChatRequest.newBuilder()).setCaller(caller).build()));
        routes.put("notification:unmute", (c, caller, data) ->
                stub().unmuteChat(parse(data, UnmuteChatRequest.newBuilder()).setCaller(caller).build()));
        routes.put("notification:set-dnd", (c, caller, data) ->
                stub().setDoNotDisturb(parse(data, SetDoNotDisturbRequest.newBuilder()).setCaller(caller).build()));
        routes.put("notification:get-preferences", (c, caller, data) ->
                stub().getPreferences(parse(data, GetPreferencesRequest.newBuilder()).setCaller(caller).build()));
        routes.put("push:register", (c, caller, data) ->
                stub().registerPushDevice(parse(data, RegisterPushDeviceRequest.newBuilder()).setCaller(caller).build()));
        routes.put("push:unregister", (c, caller, data) ->
                stub().unregisterPushDevice(parse(data, UnregisterPushDeviceRequest.newBuilder()).setCaller(caller).build()));
    }

    /** The stub with a fresh deadline: a deadline is an instant, so each call needs its own. */
    private NotificationServiceBlockingStub stub() {
        return notifications.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }
}
