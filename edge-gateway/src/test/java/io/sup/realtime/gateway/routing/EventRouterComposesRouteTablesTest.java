package io.sup.realtime.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.google.protobuf.Empty;
import org.junit.jupiter.api.Test;

/**
 * {@link EventRouter} composes the domains' route tables and refuses wiring mistakes at
 * start-up: a table routing an event its domain does not own, or two tables routing one event.
 */
class EventRouterComposesRouteTablesTest {
    private static final Route ANY = (connection, caller, data) -> Empty.getDefaultInstance();
    private static final ShedPolicy SHED = new ShedPolicy(128, 256, Duration.ofSeconds(1), Duration.ofSeconds(1));

    private static RouteTable table(ClientEvents.Domain domain, String... events) {
        Map<String, Route> routes = new HashMap<>();
        for (String event : events) {
            routes.put(event, ANY);
        }
        return new RouteTable() {
            @Override
            public ClientEvents.Domain domain() {
                return domain;
            }

            @Override
            public Map<String, Route> routes() {
                return routes;
            }
        };
    }

    @Test
    void tablesOfDifferentDomainsCompose() {
        assertDoesNotThrow(() -> new EventRouter(List.of(
                table(ClientEvents.Domain.MESSAGING, "message:new", "chat:join"),
                table(ClientEvents.Domain.PRESENCE, "presence:update")), SHED));
    }

    @Test
    void aTableRoutingAnotherDomainsEventIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new EventRouter(List.of(
                table(ClientEvents.Domain.PRESENCE, "presence:update", "message:new")), SHED));
        assertThrows(IllegalArgumentException.class, () -> new EventRouter(List.of(
                table(ClientEvents.Domain.CALLS, "call:no-such-event")), SHED));
    }

    @Test
    void anEventRoutedTwiceIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new EventRouter(List.of(
                table(ClientEvents.Domain.MESSAGING, "message:new"),
                table(ClientEvents.Domain.MESSAGING, "message:new")), SHED));
    }
}
