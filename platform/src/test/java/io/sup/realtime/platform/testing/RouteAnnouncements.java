package io.sup.realtime.platform.testing;

import java.time.Duration;
import java.util.List;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;
import io.sup.realtime.platform.bus.RoutingRegistry;
import org.awaitility.Awaitility;

/**
 * For tests with a service running in this JVM whose routing registry reads through a
 * {@code bus.RouteCache}: route writes that wait until the cache has applied their
 * announcement (counted by {@code bus.route.cache.announcements}). The cache applies them on
 * its own thread, so a request sent right after a write could still be answered from what it
 * kept before; a gateway's client waits far longer than that between its connection and its
 * first event, but a test does not.
 */
public final class RouteAnnouncements {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private RouteAnnouncements() {
    }

    /** {@link RoutingRegistry#addUser}, then, if it was a change, waits until a cache in this JVM applied it. */
    public static void addUser(RoutingRegistry registry, String instance, String userId) {
        long before = applied();
        if (registry.addUser(instance, userId)) {
            awaitApplied(before, userId + "'s join");
        }
    }

    /** {@link RoutingRegistry#removeUser}, then, if it was a change, waits until a cache in this JVM applied it. */
    public static void removeUser(RoutingRegistry registry, String instance, String userId) {
        long before = applied();
        if (registry.removeUser(instance, userId)) {
            awaitApplied(before, userId + "'s leave");
        }
    }

    private static void awaitApplied(long before, String what) {
        Awaitility.await(what + " applied by the route cache").atMost(WAIT).pollInterval(Duration.ofMillis(5))
                .until(() -> applied() > before);
    }

    private static long applied() {
        return Metrics.globalRegistry().counter("bus.route.cache.announcements", List.of())
                .map(Counter::count).orElse(0L);
    }
}
