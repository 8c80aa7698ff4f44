package io.sup.realtime.gateway.routing;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.StatusRuntimeException;
import io.sup.realtime.gateway.connection.ClientConnection;
import io.sup.realtime.gateway.protocol.ClientEvent;
import io.sup.realtime.gateway.protocol.ErrorCode;
import io.sup.realtime.platform.json.ProtoJson;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Maps each client event to one gRPC call on the service that owns it, with a deadline, and
 * the reply or status to an {@link Outcome}. Each domain's events and calls are in its own
 * {@link RouteTable} ({@link MessagingRoutes}, {@link PresenceRoutes}); this class only
 * composes them and maps failures. The event's JSON data is read into the request message
 * (canonical proto3 JSON, unknown fields ignored), and the route then sets the request's
 * {@code caller}, so a client can never speak for someone else. Events of a domain with no
 * table yet are answered {@code UNIMPLEMENTED}.
 *
 * <p>Runs on the connection's {@link io.sup.realtime.gateway.connection.InboundQueue}, one
 * event at a time, so a client's events reach the services in the order it sent them.
 */
public final class EventRouter {
    private static final Logger LOG = System.getLogger(EventRouter.class.getName());

    private final Map<String, Route> routes;

    /**
     * @param tables the domains' route tables
     * @throws IllegalArgumentException when a table routes an event its domain does not own,
     *                                  or two tables route the same event (a wiring mistake)
     */
    public EventRouter(List<? extends RouteTable> tables) {
        Map<String, Route> all = new HashMap<>();
        for (RouteTable table : tables) {
            table.routes().forEach((event, route) -> {
                if (ClientEvents.OWNERS.get(event) != table.domain()) {
                    throw new IllegalArgumentException(table.domain() + " routes " + event
                            + ", owned by " + ClientEvents.OWNERS.get(event));
                }
                if (all.putIfAbsent(event, route) != null) {
                    throw new IllegalArgumentException(event + " is routed twice");
                }
            });
        }
        this.routes = Map.copyOf(all);
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
}
