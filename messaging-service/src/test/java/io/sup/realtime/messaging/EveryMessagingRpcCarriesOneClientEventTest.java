package io.sup.realtime.messaging;

import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.grpc.MethodDescriptor;
import io.sup.realtime.platform.limits.RateLimits;
import io.sup.realtime.proto.messaging.v1.MessagingServiceGrpc;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ClientEvent} maps every {@code MessagingService} RPC to exactly one client event, so a
 * new RPC cannot arrive without a rate limit, and names each event as the gateway's clients
 * send it.
 */
class EveryMessagingRpcCarriesOneClientEventTest {
    @Test
    void everyRpcHasOneEventAndEveryEventOneRpc() {
        Set<String> rpcs = MessagingServiceGrpc.getServiceDescriptor().getMethods().stream()
                .map(MethodDescriptor::getBareMethodName).collect(Collectors.toCollection(TreeSet::new));
        Set<String> mapped = Arrays.stream(ClientEvent.values()).map(ClientEvent::rpc)
                .collect(Collectors.toCollection(TreeSet::new));

        assertEquals(rpcs, mapped);
        assertEquals(ClientEvent.values().length, mapped.size(), "one event per RPC");
    }

    @Test
    void theLimitedEventsAreTheOnesWithDefaults() {
        for (ClientEvent event : ClientEvent.values()) {
            assertTrue(event.wireName().matches("(message|reaction|chat):[a-z-]+"), event.wireName());
        }
        Set<String> limitedHere = Arrays.stream(ClientEvent.values()).map(ClientEvent::wireName)
                .filter(RateLimits.DEFAULTS::containsKey).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of("message:new", "message:typing", "message:delivered", "message:read",
                "reaction:new", "reaction:remove"), limitedHere);
    }
}
