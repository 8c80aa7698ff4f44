package io.sup.realtime.platform.bus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.sup.realtime.platform.redis.PipelinedReads;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A look-up of some users' routes made ahead, in another command's round trip
 * ({@link DeliveryBus#lookUpAhead}): a service that is about to deliver to users it expects
 * (a chat's members as it last saw them) reads their routes together with the write that
 * precedes the delivery, and {@link DeliveryBus#toUsers(java.util.Collection, ServerEvent,
 * com.google.protobuf.Message, java.util.Collection, RouteLookup)} then looks up only the users
 * it did not cover. Users whose routes the registry's {@link RouteCache} keeps are answered
 * from it when the look-up is made and not read at all. A guess that was wrong costs nothing
 * but its reads: users it named and the delivery does not are ignored, users it missed are
 * looked up as before.
 *
 * <p>Used by one thread; once its pipeline has synced, or it was discarded, it does not change.
 */
public final class RouteLookup implements PipelinedReads {
    /** Covers nobody: every user is looked up at delivery. */
    public static final RouteLookup NONE = new RouteLookup(null, List.of());

    private final RoutingRegistry registry;
    /** Users answered from the cache: their live instances. */
    private final Map<String, List<String>> kept = new HashMap<>();
    /** Users to read ahead. */
    private final List<String> toRead = new ArrayList<>();
    private Map<String, RoutingRegistry.QueuedRead> reads = Map.of();

    RouteLookup(RoutingRegistry registry, List<String> userIds) {
        this.registry = registry;
        for (String userId : userIds) {
            List<String> instances = registry.kept(BusKeys.userRoutes(userId));
            if (instances != null) {
                kept.put(userId, instances);
            } else {
                toRead.add(userId);
            }
        }
    }

    @Override
    public boolean isEmpty() {
        return toRead.isEmpty();
    }

    @Override
    public void queueIn(AbstractPipeline pipeline) {
        if (toRead.isEmpty()) {
            return;
        }
        Map<String, RoutingRegistry.QueuedRead> byUser = new HashMap<>();
        for (String userId : toRead) {
            byUser.put(userId, registry.queueRead(pipeline, BusKeys.userRoutes(userId)));
        }
        reads = byUser;
    }

    @Override
    public void discard() {
        if (!toRead.isEmpty()) { // NONE is shared: never written
            reads = Map.of();
        }
    }

    /**
     * The live instances found for {@code userId}, or null when this look-up did not cover it
     * (not named, discarded, never sent, or its read failed: it is then looked up again).
     */
    List<String> instancesOf(String userId) {
        List<String> instances = kept.get(userId);
        if (instances != null) {
            return instances;
        }
        RoutingRegistry.QueuedRead read = reads.get(userId);
        if (read == null) {
            return null;
        }
        try {
            return read.liveInstances();
        } catch (JedisDataException e) {
            return null;
        }
    }
}
