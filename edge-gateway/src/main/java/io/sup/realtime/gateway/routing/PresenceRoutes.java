package io.sup.realtime.gateway.routing;

import static io.sup.realtime.gateway.routing.Route.parse;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.grpc.Channel;
import io.sup.realtime.proto.presence.v1.PresenceServiceGrpc;
import io.sup.realtime.proto.presence.v1.PresenceServiceGrpc.PresenceServiceBlockingStub;
import io.sup.realtime.proto.presence.v1.SubscribeRequest;
import io.sup.realtime.proto.presence.v1.UnsubscribeRequest;
import io.sup.realtime.proto.presence.v1.UpdatePresenceRequest;

/**
 * The presence domain's events -> {@code sup.presence.v1.PresenceService}. Subscriptions are
 * the calling connection's and live in presence-service (the caller carries the connection
 * id); the gateway keeps no presence state.
 */
public final class PresenceRoutes implements RouteTable {
    private final PresenceServiceBlockingStub presence;
    private final Duration deadline;
    private final Map<String, Route> routes = new LinkedHashMap<>();

    /**
     * @param channel  channel to presence-service
     * @param deadline deadline of each gRPC call
     */
    public PresenceRoutes(Channel channel, Duration deadline) {
        this.presence = PresenceServiceGrpc.newBlockingStub(channel);
        this.deadline = deadline;
        register();
    }

    @Override
    public ClientEvents.Domain domain() {
        return ClientEvents.Domain.PRESENCE;
    }

    @Override
    public Map<String, Route> routes() {
        return Collections.unmodifiableMap(routes);
    }

    private void register() {
        routes.put("presence:update", (c, caller, data) ->
                stub().updatePresence(parse(data, UpdatePresenceRequest.newBuilder()).setCaller(caller).build()));
        routes.put("presence:subscribe", (c, caller, data) ->
                stub().subscribe(parse(data, SubscribeRequest.newBuilder()).setCaller(caller).build()));
        routes.put("presence:unsubscribe", (c, caller, data) ->
                stub().unsubscribe(parse(data, UnsubscribeRequest.newBuilder()).setCaller(caller).build()));
    }

    /** The stub with a fresh deadline: a deadline is an instant, so each call needs its own. */
    private PresenceServiceBlockingStub stub() {
        return presence.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }
}
