package io.sup.realtime.platform.bus;

import java.nio.charset.StandardCharsets;

/**
 * The delivery bus's keyspace, {@code gw:}. Nothing outside this package names these keys.
 *
 * <ul>
 *   <li>{@code gw:user:{<userId>}}: sorted set, member = gateway instance holding a connection
 *       of the user, score = last refresh (ms since epoch). Bounded: one member per live
 *       instance; stale members are dropped on refresh, the key expires with its TTL.</li>
 *   <li>{@code gw:room:{<room>}}: the same, for instances with a connection in the room.</li>
 *   <li>{@code gw:room:{<room>}:users}: sorted set, member {@code <userId>|<instance>} for each
 *       user with a connection in the room on that instance, scored and bounded like the
 *       routes; it answers "who is viewing this chat".</li>
 *   <li>{@code gw:{<instance>}:inbox}: the instance's sharded pub/sub channel
 *       (SPUBLISH/SSUBSCRIBE), carrying {@code DeliveryFrame}s. Nothing is stored.</li>
 *   <li>{@code gw:{routes}:changes}: sharded pub/sub channel on which the gateways announce the
 *       key of every route set whose membership they change (the UTF-8 key name), for the
 *       publishing services' {@link RouteCache}s. Nothing is stored.</li>
 * </ul>
 *
 * <p>Ids inside braces are hash tags, so on Redis Cluster each key lives on one slot; ids are
 * checked by {@code Ids} and contain no braces.
 */
final class BusKeys {
    private BusKeys() {
    }

    static String userRoutes(String userId) {
        return "gw:user:{" + userId + "}";
    }

    static String roomRoutes(String room) {
        return "gw:room:{" + room + "}";
    }

    /** Sorted set: {@code <userId>|<instance>} for each user with a connection in the room, scored like the routes. */
    static String roomUsers(String room) {
        return "gw:room:{" + room + "}:users";
    }

    static byte[] routeChanges() {
        return "gw:{routes}:changes".getBytes(StandardCharsets.UTF_8);
    }

    static byte[] inbox(String instance) {
        return ("gw:{" + instance + "}:inbox").getBytes(StandardCharsets.UTF_8);
    }
}
