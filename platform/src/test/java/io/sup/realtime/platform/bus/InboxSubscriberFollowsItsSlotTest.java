package io.sup.realtime.platform.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.Empty;
import io.sup.realtime.platform.redis.MeteredRedis;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.proto.gateway.v1.DeliveryFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * On a three-master Redis Cluster, the inbox's slot is moved to another master while the
 * gateway's subscriber is subscribed (the steps of {@code redis-cli --cluster reshard}: the
 * slot holds no keys, a channel is not stored). Redis ends the subscription on the old
 * master; the subscriber finds the slot's new master and frames published afterwards (which
 * the publisher's client sends to the new master after a MOVED) reach it again. Sharded
 * pub/sub does not cross shards, so a frame arriving proves the subscription moved.
 */
class InboxSubscriberFollowsItsSlotTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.cluster();

    @Test
    void theSubscriberFollowsItsChannelsSlotToAnotherMaster() throws Exception {
        try (CollectingInbox inbox = CollectingInbox.start(REDIS.settings(), "gw-move");
             UnifiedJedis redis = REDIS.settings().newClient()) {
            DeliveryBus bus = new DeliveryBus(redis, new RoutingRegistry(redis, Duration.ofSeconds(30), Clock.systemUTC()),
                    Clock.systemUTC());
            assertEquals(1, bus.toConnection("gw-move.1", ServerEvent.CHAT_UPDATED, Empty.getDefaultInstance()));
            assertEquals("gw-move.1", inbox.next().getConnectionId(), "subscribed before the move");

            int slot = JedisClusterCRC16.getSlot(BusKeys.inbox("gw-move"));
            HostAndPort from = ownerOf(slot);
            HostAndPort to = ((MeteredRedis) redis).masters().keySet().stream().map(HostAndPort::from)
                    .filter(node -> !node.equals(from)).findFirst().orElseThrow();
            moveSlot(slot, from, to);
            assertEquals(to, ownerOf(slot), "the slot moved");

            // Publish until a frame gets through: the subscriber needs a reconnect (100 ms
            // backoff) on the new master; frames published before it are lost (at-most-once).
            DeliveryFrame received = null;
            for (int i = 0; i < 300 && received == null; i++) {
                bus.toConnection("gw-move.after-" + i, ServerEvent.CHAT_UPDATED, Empty.getDefaultInstance());
                received = inbox.frames.poll(100, TimeUnit.MILLISECONDS);
            }
            assertNotEquals(null, received, "a frame published after the move reached the subscriber");
            assertEquals(true, received.getConnectionId().startsWith("gw-move.after-"), received.toString());
        }
    }

    private static HostAndPort ownerOf(int slot) {
        try (Jedis any = new Jedis(REDIS.url())) {
            for (Object range : any.clusterSlots()) {
                java.util.List<?> r = (java.util.List<?>) range;
                if ((Long) r.get(0) <= slot && slot <= (Long) r.get(1)) {
                    java.util.List<?> master = (java.util.List<?>) r.get(2);
                    String host = master.get(0) instanceof byte[] bytes ? new String(bytes) : master.get(0).toString();
                    return new HostAndPort(host, ((Long) master.get(1)).intValue());
                }
            }
        }
        throw new IllegalStateException("no owner for slot " + slot);
    }

    /** IMPORTING on the target, MIGRATING on the source, then NODE on both: redis-cli's reshard for a slot without keys. */
    private static void moveSlot(int slot, HostAndPort from, HostAndPort to) {
        try (Jedis source = new Jedis(from); Jedis target = new Jedis(to)) {
            String sourceId = source.clusterMyId();
            String targetId = target.clusterMyId();
            target.clusterSetSlotImporting(slot, sourceId);
            source.clusterSetSlotMigrating(slot, targetId);
            target.clusterSetSlotNode(slot, targetId);
            source.clusterSetSlotNode(slot, targetId);
        }
    }
}
