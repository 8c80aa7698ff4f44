package io.sup.realtime.platform.bus;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.sup.realtime.platform.json.ProtoJson;
import io.sup.realtime.platform.redis.MeteredRedis;
import io.sup.realtime.platform.redis.PipelinedReads;
import io.sup.realtime.proto.gateway.v1.ConnectionList;
import io.sup.realtime.proto.gateway.v1.DeliveryFrame;
import io.sup.realtime.proto.gateway.v1.Disconnect;
import io.sup.realtime.proto.gateway.v1.UserList;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.ClusterCommandArguments;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;

/**
 * The publishing side of the delivery bus: services hand it a server -> client event and
 * its recipients (users, a room, one connection or a list of them); it resolves the recipients to gateway
 * instances through the {@link RoutingRegistry}, encodes the event's JSON once, and
 * publishes one {@link DeliveryFrame} per instance that has recipients, on that instance's
 * sharded channel; the frame for the gateway whose client event is being served goes back in
 * that call's response instead ({@link CallerInbox}). Cost is O(instances with recipients),
 * never O(all instances).
 *
 * <p>Pub/sub is at-most-once: a frame published while an instance is disconnected from
 * Redis is lost for it. Callers that must not lose an event store it durably first, so a
 * client can catch up on reconnect.
 */
public final class DeliveryBus {
    private static final Logger LOG = System.getLogger(DeliveryBus.class.getName());

    private final UnifiedJedis redis;
    private final RoutingRegistry registry;
    private final Clock clock;
    private final boolean readsAhead;
    private final Counter publishedFrames = framesCounter("inbox", "published on the instance's inbox channel");

    /**
     * @param redis    the client for the {@code gw:} keyspace
     * @param registry the routing registry the gateways maintain
     * @param clock    time source for {@code published_at_ms}
     */
    public DeliveryBus(UnifiedJedis redis, RoutingRegistry registry, Clock clock) {
        this.redis = redis;
        this.registry = registry;
        this.clock = clock;
        this.readsAhead = redis instanceof MeteredRedis client && !client.isCluster();
    }

    /**
     * Whether a {@link #lookUpAhead} can travel in another command's round trip: on one
     * standalone Redis, whose pipeline runs in order on one connection. On a cluster the reads
     * would go to other nodes, in no order with that command, so they are never sent ahead.
     */
    public boolean readsAhead() {
        return readsAhead;
    }

    /**
     * Delivers {@code event} to every connection of {@code userIds}, except
     * {@code excludeConnectionIds}: one round trip to look the users' routes up, one to
     * publish (none when nobody is connected, or the only instance is the calling gateway's,
     * whose frame rides back in its call's response: {@link CallerInbox}).
     *
     * @return how many instances were delivered to, and which users had no live instance
     *     (found in the same route lookup)
     */
    public UserDelivery toUsers(Collection<String> userIds, ServerEvent event, Message data,
                                Collection<String> excludeConnectionIds) {
        return toUsers(userIds, event, data, excludeConnectionIds, RouteLookup.NONE);
    }

    /**
     * A look-up of {@code userIds}' routes to be sent ahead, in the round trip of the write that
     * precedes a delivery to them ({@link PipelinedReads}); then {@link #toUsers(Collection,
     * ServerEvent, Message, Collection, RouteLookup)}. {@link RouteLookup#NONE} where the bus
     * does not {@linkplain #readsAhead() read ahead}.
     */
    public RouteLookup lookUpAhead(Collection<String> userIds) {
        return userIds.isEmpty() || !readsAhead ? RouteLookup.NONE
                : new RouteLookup(registry, List.copyOf(new LinkedHashSet<>(userIds)));
    }

    /**
     * {@link #toUsers(Collection, ServerEvent, Message, Collection)} with the routes {@code ahead}
     * found: only the users it did not cover are looked up (no round trip when it covered all).
     */
    public UserDelivery toUsers(Collection<String> userIds, ServerEvent event, Message data,
                                Collection<String> excludeConnectionIds, RouteLookup ahead) {
        List<String> users = List.copyOf(new LinkedHashSet<>(userIds)); // each user once
        if (users.isEmpty()) {
            return UserDelivery.NONE;
        }
        List<List<String>> instancesPerUser = liveInstances(users, ahead);
        Map<String, UserList.Builder> recipientsByInstance = new LinkedHashMap<>();
        List<String> offline = new ArrayList<>();
        for (int i = 0; i < users.size(); i++) {
            if (instancesPerUser.get(i).isEmpty()) {
                offline.add(users.get(i));
            }
            for (String instance : instancesPerUser.get(i)) {
                recipientsByInstance.computeIfAbsent(instance, k -> UserList.newBuilder()).addUserIds(users.get(i));
            }
        }
        DeliveryFrame.Builder common = frame(event, data, excludeConnectionIds);
        List<Publication> publications = new ArrayList<>(recipientsByInstance.size());
        recipientsByInstance.forEach((instance, recipients) ->
                publications.add(new Publication(instance, common.setUsers(recipients).build())));
        return new UserDelivery(publish(publications), offline);
    }

    /** Each user's live instances, in order: from {@code ahead} where it covered them, the rest looked up now. */
    private List<List<String>> liveInstances(List<String> users, RouteLookup ahead) {
        if (ahead == RouteLookup.NONE) {
            return registry.liveInstances(users.stream().map(BusKeys::userRoutes).toList());
        }
        List<List<String>> found = new ArrayList<>(users.size());
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < users.size(); i++) {
            List<String> instances = ahead.instancesOf(users.get(i));
            found.add(instances);
            if (instances == null) {
                missing.add(i);
            }
        }
        if (!missing.isEmpty()) {
            List<List<String>> looked = registry.liveInstances(
                    missing.stream().map(i -> BusKeys.userRoutes(users.get(i))).toList());
            for (int j = 0; j < missing.size(); j++) {
                found.set(missing.get(j), looked.get(j));
            }
        }
        return found;
    }

    /**
     * Delivers {@code event} to every connection that joined {@code room}, except
     * {@code excludeConnectionIds}.
     *
     * @return the number of gateway instances delivered to (published, or riding back to the
     *     calling gateway)
     */
    public int toRoom(String room, ServerEvent event, Message data, Collection<String> excludeConnectionIds) {
        List<String> instances = registry.liveInstances(List.of(BusKeys.roomRoutes(room))).getFirst();
        DeliveryFrame frame = frame(event, data, excludeConnectionIds).setRoom(room).build();
        return publish(instances.stream().map(instance -> new Publication(instance, frame)).toList());
    }

    /**
     * Delivers {@code event} to one connection, by its id ({@code <instance>.<n>}).
     *
     * @return 1 when delivered (published, or riding back to the calling gateway), 0 when the id
     *     names no instance
     */
    public int toConnection(String connectionId, ServerEvent event, Message data) {
        String instance = instanceOf(connectionId);
        if (instance == null) {
            return 0;
        }
        DeliveryFrame frame = frame(event, data, List.of()).setConnectionId(connectionId).build();
        return publish(List.of(new Publication(instance, frame)));
    }

    /**
     * Delivers {@code event} to each of these connections, by id ({@code <instance>.<n>}):
     * one frame per gateway instance, listing that instance's connections, all published in
     * one pipelined round trip (but the calling gateway's, {@link CallerInbox}). Ids that name no instance are skipped, repeated ones sent once.
     *
     * @return the number of gateway instances delivered to (published, or riding back to the
     *     calling gateway)
     */
    public int toConnections(Collection<String> connectionIds, ServerEvent event, Message data) {
        Map<String, ConnectionList.Builder> byInstance = new LinkedHashMap<>();
        for (String connectionId : new LinkedHashSet<>(connectionIds)) {
            String instance = instanceOf(connectionId);
            if (instance != null) {
                byInstance.computeIfAbsent(instance, k -> ConnectionList.newBuilder()).addConnectionIds(connectionId);
            }
        }
        if (byInstance.isEmpty()) {
            return 0;
        }
        DeliveryFrame.Builder common = frame(event, data, List.of());
        List<Publication> publications = new ArrayList<>(byInstance.size());
        byInstance.forEach((instance, recipients) ->
                publications.add(new Publication(instance, common.setConnections(recipients).build())));
        return publish(publications);
    }

    /**
     * Asks the gateway instances holding these connections (ids {@code <instance>.<n>}) to
     * close each one whose token {@code disconnect} covers, one pipelined round trip.
     *
     * @return the number of frames published
     */
    public int disconnect(Collection<String> connectionIds, Disconnect disconnect) {
        List<Publication> publications = new ArrayList<>(connectionIds.size());
        for (String connectionId : connectionIds) {
            String instance = instanceOf(connectionId);
            if (instance != null) {
                publications.add(new Publication(instance, DeliveryFrame.newBuilder()
                        .setConnectionId(connectionId).setDisconnect(disconnect).setPublishedAtMs(clock.millis()).build()));
            }
        }
        return publish(publications);
    }

    /** {@code bus.frames{via}}: delivery frames handed to gateway instances, by the way they travel. */
    static Counter framesCounter(String via, String description) {
        return Metrics.globalRegistry().getOrCreate(Counter.builder("bus.frames")
                .description("Delivery frames handed to gateway instances, by the way they travel: " + description)
                .tags(List.of(Tag.create("via", via))));
    }

    /** The gateway instance in a connection id ({@code <instance>.<n>}: before the last dot), or null. */
    private static String instanceOf(String connectionId) {
        int dot = connectionId.lastIndexOf('.');
        return dot > 0 ? connectionId.substring(0, dot) : null;
    }

    private DeliveryFrame.Builder frame(ServerEvent event, Message data, Collection<String> excludeConnectionIds) {
        return DeliveryFrame.newBuilder()
                .setEvent(event.wireName())
                .setDataJson(ByteString.copyFrom(ProtoJson.print(data), StandardCharsets.UTF_8))
                .addAllExcludeConnectionIds(excludeConnectionIds)
                .setPublishedAtMs(clock.millis());
    }

    /**
     * Publishes each frame to its instance, except those the {@link CallerInbox} of the call
     * being served keeps (they ride back in its response).
     *
     * @return the number of instances delivered to, either way
     */
    private int publish(List<Publication> publications) {
        if (publications.isEmpty()) {
            return 0;
        }
        CallerInbox caller = CallerInbox.current();
        List<Publication> published = publications;
        if (caller != null) {
            published = new ArrayList<>(publications.size());
            for (Publication p : publications) {
                if (!caller.offer(this, p.instance(), p.frame())) {
                    published.add(p);
                }
            }
        }
        send(published);
        return publications.size();
    }

    /**
     * Publishes {@code frames} to {@code instance}'s inbox now, in order, whatever call is being
     * served (a {@link CallerInbox}'s frames that no response carried).
     */
    void publishTo(String instance, List<DeliveryFrame> frames) {
        send(frames.stream().map(frame -> new Publication(instance, frame)).toList());
    }

    private void send(List<Publication> publications) {
        if (publications.isEmpty()) {
            return;
        }
        publishedFrames.increment(publications.size());
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (Publication p : publications) {
                // SPUBLISH: on Redis Cluster the inbox lives on one shard; standalone Redis
                // (7.0+) serves sharded channels too, so one code path serves both. The channel
                // is marked as the command's key (cluster arguments hash it to its slot), so a
                // cluster pipeline sends each publication to its channel's master; a standalone
                // pipeline ignores the slot.
                pipeline.sendCommand(new ClusterCommandArguments(Protocol.Command.SPUBLISH)
                        .key(BusKeys.inbox(p.instance())).add(p.frame().toByteArray()));
            }
            pipeline.sync();
        }
        LOG.log(Level.TRACE, () -> "published " + publications.getFirst().frame().getEvent()
                + " to " + publications.size() + " instance(s)");
    }

    private record Publication(String instance, DeliveryFrame frame) {
    }
}
