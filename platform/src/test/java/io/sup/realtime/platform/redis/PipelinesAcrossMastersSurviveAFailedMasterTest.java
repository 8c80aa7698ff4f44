package io.sup.realtime.platform.redis;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.params.ClientKillParams;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * A pipeline whose commands span the three masters of a real Redis Cluster, when the
 * connection to one or all of them breaks before its sync: the sync throws the connection
 * failure (not a silent return that leaves every reply unset), the other masters' replies are
 * read, each master's in order, and the next pipeline works on every master at its first try
 * (the broken master's idle pooled connections were dropped).
 */
class PipelinesAcrossMastersSurviveAFailedMasterTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.cluster();

    @Test
    void oneMastersBrokenConnectionFailsTheSyncAndTheOthersRepliesAreRead() {
        List<String> keys = RedisServerExtension.oneOnEachMaster(i -> "pipelined-" + i, key -> key);
        try (UnifiedJedis redis = REDIS.settings().newClient()) {
            keys.forEach(key -> redis.set(key, "value of " + key));
            fillThePools(redis, keys);
            HostAndPort broken = masterOf(keys.get(1));
            ConnectionPool brokenPool = ((MeteredRedis) redis).masters().get(broken.toString());
            AbstractPipeline pipeline = redis.pipelined();
            List<Response<String>> values = keys.stream().map(pipeline::get).toList();
            List<Response<Long>> lengths = keys.stream().map(pipeline::strlen).toList(); // two replies per master
            assertTrue(brokenPool.getNumIdle() > 0, "idle connections to the master that is about to fail");
            disconnectClientsOf(broken);

            JedisConnectionException failure = assertThrows(JedisConnectionException.class, pipeline::sync);
            assertEquals(0, failure.getSuppressed().length, "only one master failed: " + failure);
            assertEquals(0, brokenPool.getNumIdle(), "its idle connections were dropped with the broken one");
            for (int i : List.of(0, 2)) {
                assertEquals("value of " + keys.get(i), values.get(i).get());
                assertEquals((long) ("value of " + keys.get(i)).length(), lengths.get(i).get());
            }
            assertDoesNotThrow(pipeline::close, "the broken master is out of the pipeline");

            assertEveryMasterAnswersAPipeline(redis, keys);
        }
    }

    @Test
    void aClusterGoingDownFailsTheSyncOnceWithEveryMastersFailure() throws Exception {
        List<String> keys = RedisServerExtension.oneOnEachMaster(i -> "pipelined-" + i, key -> key);
        try (UnifiedJedis redis = REDIS.settings().newClient()) {
            keys.forEach(key -> redis.set(key, "value of " + key));
            AbstractPipeline pipeline = redis.pipelined();
            keys.forEach(pipeline::get);
            REDIS.stop();

            JedisConnectionException failure = assertThrows(JedisConnectionException.class, pipeline::sync);
            assertEquals(2, failure.getSuppressed().length, "the other two masters' failures: " + failure);
            assertDoesNotThrow(pipeline::close);

            REDIS.startAgain();
            assertEveryMasterAnswersAPipeline(redis, keys);
        }
    }

    private static void assertEveryMasterAnswersAPipeline(UnifiedJedis redis, List<String> keys) {
        try (AbstractPipeline next = redis.pipelined()) {
            List<Response<String>> replies = keys.stream().map(next::get).toList();
            next.sync();
            for (int i = 0; i < keys.size(); i++) {
                assertEquals("value of " + keys.get(i), replies.get(i).get(), "key on master " + masterOf(keys.get(i)));
            }
        }
    }

    /**
     * Leaves three idle connections in every master's pool: three pipelines each hold a
     * connection to every master at once (a pipeline keeps what it borrowed until it closes).
     */
    private static void fillThePools(UnifiedJedis redis, List<String> keys) {
        List<AbstractPipeline> open = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            AbstractPipeline pipeline = redis.pipelined();
            keys.forEach(pipeline::get);
            open.add(pipeline);
        }
        open.forEach(AbstractPipeline::close);
    }

    /** Closes every client connection of that master but the one asking ({@code CLIENT KILL TYPE normal}). */
    private static void disconnectClientsOf(HostAndPort master) {
        try (Jedis jedis = new Jedis(master)) {
            jedis.clientKill(new ClientKillParams().type(ClientType.NORMAL).skipMe(ClientKillParams.SkipMe.YES));
        }
    }

    /** The master that holds {@code key}'s slot: the node that counts the key in it. */
    private static HostAndPort masterOf(String key) {
        int slot = JedisClusterCRC16.getSlot(key);
        for (String url : REDIS.urlSetting().split(",")) {
            HostAndPort node = HostAndPort.from(url.substring("redis://".length()));
            try (Jedis jedis = new Jedis(node)) {
                if (jedis.clusterCountKeysInSlot(slot) > 0) {
                    return node;
                }
            }
        }
        throw new IllegalStateException("no master holds " + key);
    }
}
