package io.sup.realtime.platform.bus;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.ZRangeParams;

/**
 * The routing registry: which gateway instances hold connections of a user, or connections
 * in a room. A gateway instance writes its own entries (on the first local connection of a
 * user or room, then on every {@link #refresh} heartbeat) and removes them when the last
 * local connection goes. Entries of an instance that dies stop being refreshed and drop out
 * after {@code ttl}: publishers then skip it, and the key itself expires.
 */
public final class RoutingRegistry {
    /** Entries refreshed per pipeline round trip. */
    private static final int BATCH = 1_000;

    private final UnifiedJedis redis;
    private final Duration ttl;
    private final Clock clock;

    /**
     * @param redis the client for the {@code gw:} keyspace
     * @param ttl   how long an entry lives without a refresh; refresh at least every ttl/3
     * @param clock time source (entries are scored in milliseconds since the epoch)
     */
    public RoutingRegistry(UnifiedJedis redis, Duration ttl, Clock clock) {
        this.redis = redis;
        this.ttl = ttl;
        this.clock = clock;
    }

    /** Records that {@code instance} now holds a connection of {@code userId}. */
    public void addUser(String instance, String userId) {
        refresh(instance, List.of(userId), List.of());
    }

    /** Records that {@code instance} no longer holds any connection of {@code userId}. */
    public void removeUser(String instance, String userId) {
        redis.zrem(BusKeys.userRoutes(userId), instance);
    }

    /** Records that {@code instance} now has a connection in {@code room}. */
    public void addRoom(String instance, String room) {
        refresh(instance, List.of(), List.of(room));
    }

    /** Records that {@code instance} no longer has any connection in {@code room}. */
    public void removeRoom(String instance, String room) {
        redis.zrem(BusKeys.roomRoutes(room), instance);
    }

    /** A user with a connection in a room. */
    public record RoomUser(String room, String userId) {
    }

    /** Records that {@code instance} has a connection of {@code userId} in {@code room}. */
    public void addRoomUser(String instance, String room, String userId) {
        refresh(instance, List.of(), List.of(), List.of(new RoomUser(room, userId)));
    }

    /** Records that {@code instance} has no connection of {@code userId} in {@code room} any more. */
    public void removeRoomUser(String instance, String room, String userId) {
        redis.zrem(BusKeys.roomUsers(room), userId + "|" + instance);
    }

    /** The users with a live connection in {@code room} on any instance, sorted. */
    public List<String> usersIn(String room) {
        return liveInstances(List.of(BusKeys.roomUsers(room))).getFirst().stream()
                .map(entry -> entry.substring(0, entry.lastIndexOf('|')))
                .distinct().sorted().toList();
    }

    /**
     * Heartbeat: re-stamps every entry of {@code instance}, drops entries of instances that
     * stopped refreshing and extends the keys' TTL, pipelined in batches.
     */
    public void refresh(String instance, Collection<String> userIds, Collection<String> rooms) {
        refresh(instance, userIds, rooms, List.of());
    }

    /** {@link #refresh(String, Collection, Collection)}, also re-stamping who is in which room. */
    public void refresh(String instance, Collection<String> userIds, Collection<String> rooms,
                        Collection<RoomUser> roomUsers) {
        long now = clock.millis();
        long staleBefore = now - ttl.toMillis();
        int inBatch = 0;
        AbstractPipeline pipeline = redis.pipelined();
        try {
            List<Map.Entry<String, String>> entries = Stream.concat(
                    keys(userIds, rooms).stream().map(key -> Map.entry(key, instance)),
                    roomUsers.stream().map(ru -> Map.entry(BusKeys.roomUsers(ru.room()), ru.userId() + "|" + instance)))
                    .toList();
            for (Map.Entry<String, String> entry : entries) {
                String key = entry.getKey();
                pipeline.zadd(key, now, entry.getValue());
                // Exclusive bound: an entry scored exactly staleBefore is still live for
                // liveInstances (inclusive there), so it must not be dropped here.
                pipeline.zremrangeByScore(key, "-inf", "(" + staleBefore);
                pipeline.pexpire(key, ttl.toMillis());
                if (++inBatch == BATCH) {
                    pipeline.sync();
                    inBatch = 0;
                }
            }
            pipeline.sync();
        } finally {
            pipeline.close();
        }
    }

    /**
     * Of {@code userIds}, those with at least one connection on a live gateway instance, in
     * the order given (one pipelined round trip): who can be reached over the delivery bus.
     */
    public List<String> connectedUsers(List<String> userIds) {
        List<List<String>> instances = liveInstances(userIds.stream().map(BusKeys::userRoutes).toList());
        List<String> connected = new java.util.ArrayList<>();
        for (int i = 0; i < userIds.size(); i++) {
            if (!instances.get(i).isEmpty()) {
                connected.add(userIds.get(i));
            }
        }
        return connected;
    }

    /** The live instances for each key, in key order (one pipelined round trip). */
    List<List<String>> liveInstances(List<String> keys) {
        try (AbstractPipeline pipeline = redis.pipelined()) {
            List<Response<List<String>>> replies = queueLiveInstances(pipeline, keys);
            pipeline.sync();
            return replies.stream().map(Response::get).toList();
        }
    }

    /**
     * Queues in {@code pipeline} the reads of {@link #liveInstances}: each key's live
     * instances, in key order, once the pipeline has synced.
     */
    List<Response<List<String>>> queueLiveInstances(AbstractPipeline pipeline, List<String> keys) {
        long staleBefore = clock.millis() - ttl.toMillis();
        ZRangeParams live = ZRangeParams.zrangeByScoreParams(staleBefore, Double.POSITIVE_INFINITY);
        return keys.stream().map(key -> pipeline.zrange(key, live)).toList();
    }

    private static List<String> keys(Collection<String> userIds, Collection<String> rooms) {
        return Stream.concat(
                userIds.stream().map(BusKeys::userRoutes),
                rooms.stream().map(BusKeys::roomRoutes)).toList();
    }
}
