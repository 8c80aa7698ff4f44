package io.sup.realtime.platform.bus;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.sup.realtime.platform.redis.PipelinedReads;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A look-up of some users' routes made ahead, in another command's round trip
 * ({@link DeliveryBus#lookUpAhead}): a service that is about to deliver to users it expects
 * (a chat's members as it last saw them) reads their routes together with the write that
 * precedes the delivery, and {@link DeliveryBus#toUsers(java.util.Collection, ServerEvent,
 * com.google.protobuf.Message, java.util.Collection, RouteLookup)} then looks up only the users
 * it did not cover. A guess that was wrong costs nothing but its reads: users it named and the
 * delivery does not are ignored, users it missed are looked up as before.
 *
 * <p>Used by one thread; once its pipeline has synced, or it was discarded, it does not change.
 */
public final class RouteLookup implements PipelinedReads {
    /** Covers nobody: every user is looked up at delivery. */
    public static final RouteLookup NONE = new RouteLookup(null, List.of());

    private final RoutingRegistry registry;
    private final List<String> userIds;
    private Map<String, Response<List<String>>> replies = Map.of();

    RouteLookup(RoutingRegistry registry, List<String> userIds) {
        this.registry = registry;
        this.userIds = userIds;
    }

    @Override
    public boolean isEmpty() {
        return userIds.isEmpty();
    }

    @Override
    public void queueIn(AbstractPipeline pipeline) {
        if (userIds.isEmpty()) {
            return;
        }
        List<Response<List<String>>> queued = registry.queueLiveInstances(pipeline,
                userIds.stream().map(BusKeys::userRoutes).toList());
        Map<String, Response<List<String>>> byUser = new HashMap<>();
        for (int i = 0; i < userIds.size(); i++) {
            byUser.put(userIds.get(i), queued.get(i));
        }
        replies = byUser;
    }

    @Override
    public void discard() {
        if (!userIds.isEmpty()) { // NONE is shared: never written
            replies = Map.of();
        }
    }

    /**
     * The live instances found for {@code userId}, or null when this look-up did not cover it
     * (not named, discarded, never sent, or its read failed: it is then looked up again).
     */
    List<String> instancesOf(String userId) {
        Response<List<String>> reply = replies.get(userId);
        if (reply == null) {
            return null;
        }
        try {
            return reply.get();
        } catch (JedisDataException e) {
            return null;
        }
    }
}
