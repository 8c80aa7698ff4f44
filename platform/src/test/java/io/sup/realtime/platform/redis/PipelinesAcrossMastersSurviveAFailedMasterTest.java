package io.sup.realtime.platform.redis;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * A pipeline whose commands span the three masters of a real Redis Cluster, when the
 * connection to one or all of them breaks before its sync: the sync throws the connection
 * failure (not a silent return that leaves every reply unset), the other masters' replies are
 * read, nothing runs on other threads, and the next pipeline works on every master at its first
 * try (the broken master's idle pooled connections were dropped).
 */
class PipelinesAcrossMastersSurviveAFailedMasterTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.cluster();

    @Test
    void oneMastersBrokenConnectionFailsTheSyncAndTheOthersRepliesAreRead() throws Exception {
        List<String> keys = keysOnDistinctMasters();
        try (UnifiedJedis redis = REDIS.settings().newClient()) {
            keys.forEach(key -> redis.set(key, "value of " + key));
            fillThePools(redis, keys);
            AbstractPipeline pipeline = redis.pipelined();
            List<Response<String>> replies = keys.stream().map(pipeline::get).toList();
            disconnectClientsOf(masterOf(keys.get(1)));

            JedisConnectionException failure = assertThrows(JedisConnectionException.class, pipeline::sync);
            assertEquals(0, failure.getSuppressed().length, "only one master failed: " + failure);
            assertEquals("value of " + keys.get(0), replies.get(0).get());
            assertEquals("value of " + keys.get(2), replies.get(2).get());
            assertDoesNotThrow(pipeline::close, "the broken master is out of the pipeline");

            assertEveryMasterAnswersAPipeline(redis, keys);
        }
    }

    @Test
    void aClusterGoingDownFailsTheSyncOnceWithEveryMastersFailure() throws Exception {
        List<String> keys = keysOnDistinctMasters();
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

    /** Leaves idle connections in every master's pool: eight reads of each key in flight at once. */
    private static void fillThePools(UnifiedJedis redis, List<String> keys) throws Exception {
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> reads = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                keys.forEach(key -> reads.add(threads.submit(() -> redis.get(key))));
            }
            for (Future<String> read : reads) {
                read.get();
            }
        }
    }

    /** Closes every client connection of that master but the one asking ({@code CLIENT KILL TYPE normal}). */
    private static void disconnectClientsOf(HostAndPort master) {
        try (Jedis jedis = new Jedis(master)) {
            jedis.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "KILL", "TYPE", "normal", "SKIPME", "yes");
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

    /** Three keys whose slots fall in the three masters' ranges (0-5460, 5461-10922, 10923-16383). */
    private static List<String> keysOnDistinctMasters() {
        List<String> picked = new ArrayList<>();
        Set<Integer> ranges = new HashSet<>();
        for (int i = 0; picked.size() < 3; i++) {
            String key = "pipelined-" + i;
            if (ranges.add(JedisClusterCRC16.getSlot(key) * 3 / 16384)) {
                picked.add(key);
            }
        }
        return picked;
    }
}
