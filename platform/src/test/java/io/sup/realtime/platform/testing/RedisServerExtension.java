package io.sup.realtime.platform.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.sup.realtime.platform.redis.RedisSettings;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;

/**
 * A real {@code redis-server} (Debian's package, Redis 7) for a test class: started on a free
 * loopback port before the class, FLUSHALL before each test, stopped after the class. AOF
 * is on, in a temporary directory, so {@link #restart()} keeps the data as production would.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RedisServerExtension REDIS = new RedisServerExtension();
 * }</pre>
 */
public final class RedisServerExtension implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
    private Process process;
    private Path dir;
    private int port;
    private RedisClient client;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("redis-test");
        port = freePort();
        start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        try (Jedis jedis = new Jedis("127.0.0.1", port)) {
            jedis.flushAll();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (client != null) {
            client.close();
            client = null;
        }
        stop();
    }

    /** A client of this server for the test class, made on first use and closed after the class. */
    public synchronized RedisClient client() {
        if (client == null) {
            client = settings().newClient();
        }
        return client;
    }

    /** {@code redis://127.0.0.1:<port>}. */
    public URI url() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    /** Settings for a client of this server. */
    public RedisSettings settings() {
        return new RedisSettings(url(), Duration.ofSeconds(2));
    }

    /** Stops the server (SIGTERM, AOF flushed) and starts it again on the same port. */
    public void restart() throws IOException, InterruptedException {
        stop();
        start();
    }

    /** Stops the server until {@link #startAgain()}; clients see connection errors meanwhile. */
    public void stop() {
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

    /** Starts a stopped server again on the same port and data directory. */
    public void startAgain() throws IOException, InterruptedException {
        start();
    }

    private void start() throws IOException, InterruptedException {
        String binary = findBinary();
        process = new ProcessBuilder(List.of(binary,
                "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--appendonly", "yes", "--save", "",
                "--protected-mode", "no", "--loglevel", "warning"))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile())
                .start();
        awaitPing();
    }

    private void awaitPing() throws InterruptedException {
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

    private static String findBinary() {
        for (String candidate : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("redis-server not found: install Debian's package (apt-get install -y redis-server)");
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
}
