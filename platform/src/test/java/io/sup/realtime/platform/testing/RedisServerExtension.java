package io.sup.realtime.platform.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

import io.sup.realtime.platform.bus.RoutingRegistry;
import io.sup.realtime.platform.redis.RedisSettings;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientPauseMode;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * A real {@code redis-server} (Debian's package, Redis 7) for a test class: started on a free
 * loopback port before the class, FLUSHALL before each test, stopped after the class. AOF
 * is on, in a temporary directory, so {@link #restart()} keeps the data as production would.
 *
 * <p>In cluster mode it is a three-master Redis Cluster instead: three {@code redis-server
 * --cluster-enabled yes} on free ports, each in its own temporary directory, joined by
 * {@code redis-cli --cluster create ... --cluster-replicas 0}, ready once every node reports
 * {@code cluster_state:ok}; FLUSHALL runs on every master before each test. Cluster mode is
 * {@link #cluster()}, or every extension of the run when the system property
 * {@value #MODE_PROPERTY} is {@code cluster} (the second Surefire execution of the modules
 * whose suites run on both). Tests that start services give them {@link #urlSetting()} and
 * {@link #clusterSetting()} ({@code redis.url}, {@code redis.cluster}).
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RedisServerExtension REDIS = new RedisServerExtension();
 * }</pre>
 */
public final class RedisServerExtension implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
    /** The system property that puts every extension in cluster mode: {@code -Dsup.test.redis=cluster}. */
    public static final String MODE_PROPERTY = "sup.test.redis";
    private static final int CLUSTER_NODES = 3;

    private final boolean clustered;
    private final List<Node> nodes = new ArrayList<>();
    /** Whether the cluster has been created (restarts then wait for it to re-form). */
    private boolean created;
    private UnifiedJedis client;

    /** Standalone, unless the run asks for cluster mode ({@value #MODE_PROPERTY}{@code =cluster}). */
    public RedisServerExtension() {
        this("cluster".equals(System.getProperty(MODE_PROPERTY)));
    }

    private RedisServerExtension(boolean clustered) {
        this.clustered = clustered;
    }

    /** A three-master Redis Cluster, whatever the run's mode. */
    public static RedisServerExtension cluster() {
        return new RedisServerExtension(true);
    }

    /** Whether this is a Redis Cluster. */
    public boolean isCluster() {
        return clustered;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        for (int i = 0; i < (clustered ? CLUSTER_NODES : 1); i++) {
            nodes.add(new Node(Files.createTempDirectory("redis-test"), freePort()));
        }
        start();
        if (clustered) {
            createCluster();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        for (Node node : nodes) {
            try (Jedis jedis = new Jedis("127.0.0.1", node.port)) {
                if (!clustered || jedis.info("replication").contains("role:master")) {
                    jedis.flushAll();
                }
            }
        }
        // Services started once for the class keep routes in memory (bus.RouteCache): tell them
        // the registry was emptied, as an operator would after a FLUSHALL.
        try (UnifiedJedis announcer = settings().newClient()) { // not client(): its pool may predate a restart
            RoutingRegistry.announceAllChanged(announcer);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (client != null) {
            client.close();
            client = null;
        }
        stop();
        for (Node node : nodes) {
            node.deleteDir();
        }
        nodes.clear();
    }

    /** A client of this server for the test class, made on first use and closed after the class. */
    public synchronized UnifiedJedis client() {
        if (client == null) {
            client = settings().newClient();
        }
        return client;
    }

    /** {@code redis://127.0.0.1:<port>}: the server, or the cluster's first node (a seed). */
    public URI url() {
        return nodes.getFirst().url();
    }

    /** The {@code redis.url} for services: the server's URL, or every cluster node's, comma-separated. */
    public String urlSetting() {
        return String.join(",", nodes.stream().map(n -> n.url().toString()).toList());
    }

    /** The {@code redis.cluster} for services: {@code true} in cluster mode. */
    public String clusterSetting() {
        return Boolean.toString(clustered);
    }

    /** Settings for a client of this server (or cluster). */
    public RedisSettings settings() {
        return new RedisSettings(nodes.stream().map(Node::url).toList(), clustered, Duration.ofSeconds(2));
    }

    /**
     * One name for each master of the cluster, in the order found: the first of {@code
     * candidate(0)}, {@code candidate(1)}, ... whose key ({@code keyOf}) hashes into each
     * master's slot range (0-5460, 5461-10922, 10923-16383, as {@code redis-cli --cluster
     * create} splits the slots over three masters).
     */
    public static List<String> oneOnEachMaster(IntFunction<String> candidate, UnaryOperator<String> keyOf) {
        List<String> picked = new ArrayList<>();
        Set<Integer> ranges = new HashSet<>();
        for (int i = 0; picked.size() < CLUSTER_NODES; i++) {
            String name = candidate.apply(i);
            if (ranges.add(JedisClusterCRC16.getSlot(keyOf.apply(name)) * CLUSTER_NODES / 16384)) {
                picked.add(name);
            }
        }
        return picked;
    }

    /** How many keys each node holds now (DBSIZE), by port: one entry standalone, one per master on a cluster. */
    public Map<Integer, Long> keysPerNode() {
        Map<Integer, Long> counts = new LinkedHashMap<>();
        for (Node node : nodes) {
            try (Jedis jedis = new Jedis("127.0.0.1", node.port)) {
                counts.put(node.port, jedis.dbSize());
            }
        }
        return counts;
    }

    /**
     * Makes every node hold each write command and every script ({@code CLIENT PAUSE <ms> WRITE})
     * for up to {@code duration}, as a stalled Redis would: reads still answer. Ends at
     * {@link #unpause} or when {@code duration} has passed.
     */
    public void pauseWrites(Duration duration) {
        for (Node node : nodes) {
            try (Jedis jedis = new Jedis("127.0.0.1", node.port)) {
                jedis.clientPause(duration.toMillis(), ClientPauseMode.WRITE);
            }
        }
    }

    /** Ends a {@link #pauseWrites} pause on every node now ({@code CLIENT UNPAUSE}). */
    public void unpause() {
        for (Node node : nodes) {
            try (Jedis jedis = new Jedis("127.0.0.1", node.port)) {
                jedis.clientUnpause();
            }
        }
    }

    /** Stops the server(s) (SIGTERM, AOF flushed) and starts them again on the same ports. */
    public void restart() throws IOException, InterruptedException {
        stop();
        start();
    }

    /** Stops the server(s) until {@link #startAgain()}; clients see connection errors meanwhile. */
    public void stop() {
        for (Node node : nodes) {
            node.stop();
        }
    }

    /** Starts stopped server(s) again on the same ports and data directories (a cluster re-forms from its nodes.conf). */
    public void startAgain() throws IOException, InterruptedException {
        start();
    }

    private void start() throws IOException, InterruptedException {
        String binary = findBinary("redis-server");
        for (Node node : nodes) {
            List<String> command = new ArrayList<>(List.of(binary,
                    "--port", String.valueOf(node.port), "--bind", "127.0.0.1",
                    "--dir", node.dir.toString(), "--appendonly", "yes", "--save", "",
                    "--protected-mode", "no", "--loglevel", "warning"));
            if (clustered) {
                // A short node timeout: a test that stops a node sees the cluster decide quickly.
                command.addAll(List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                        "--cluster-node-timeout", "2000"));
            }
            node.process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(node.dir.resolve("redis.log").toFile()))
                    .start();
        }
        for (Node node : nodes) {
            node.awaitPing();
        }
        if (created) {
            awaitClusterOk(); // a restarted cluster serves again once its nodes agree
        }
    }

    private void createCluster() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(findBinary("redis-cli"), "--cluster", "create"));
        nodes.forEach(n -> command.add("127.0.0.1:" + n.port));
        command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        Path log = nodes.getFirst().dir.resolve("cluster-create.log");
        Process create = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!create.waitFor(60, TimeUnit.SECONDS) || create.exitValue() != 0) {
            create.destroyForcibly();
            throw new IllegalStateException("redis-cli --cluster create failed: " + Files.readString(log));
        }
        created = true;
        awaitClusterOk();
    }

    private void awaitClusterOk() throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            if (nodes.stream().allMatch(Node::clusterOk)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("Redis Cluster did not reach cluster_state:ok (logs: " + nodes.getFirst().dir + ")");
    }

    private static String findBinary(String name) {
        for (String dir : List.of("/usr/bin/", "/usr/local/bin/")) {
            if (Files.isExecutable(Path.of(dir + name))) {
                return dir + name;
            }
        }
        throw new IllegalStateException(name + " not found: install Debian's package (apt-get install -y redis-server)");
    }

    /** A free TCP port on loopback. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One redis-server: its data directory, port and process while it runs. */
    private static final class Node {
        final Path dir;
        final int port;
        Process process;

        Node(Path dir, int port) {
            this.dir = dir;
            this.port = port;
        }

        URI url() {
            return URI.create("redis://127.0.0.1:" + port);
        }

        void stop() {
            if (process != null) {
                process.destroy();
                try {
                    process.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                process = null;
            }
        }

        /** Removes the data directory (AOF, logs): a suite starts hundreds of servers. */
        void deleteDir() {
            try (var paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                // Left behind in the temporary directory; nothing depends on it.
            }
        }

        void awaitPing() throws InterruptedException {
            Instant deadline = Instant.now().plusSeconds(10);
            while (Instant.now().isBefore(deadline)) {
                try (Jedis jedis = new Jedis("127.0.0.1", port)) {
                    if ("PONG".equals(jedis.ping())) {
                        return;
                    }
                } catch (RuntimeException e) {
                    // Not up yet.
                }
                Thread.sleep(20);
            }
            throw new IllegalStateException("redis-server did not answer on port " + port + " (log: " + dir + "/redis.log)");
        }

        boolean clusterOk() {
            try (Jedis jedis = new Jedis("127.0.0.1", port)) {
                return jedis.clusterInfo().lines().anyMatch("cluster_state:ok"::equals);
            } catch (RuntimeException e) {
                return false;
            }
        }
    }
}
