package io.sup.realtime.calls.ice;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.sup.realtime.platform.testing.RedisServerExtension;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TURN credentials the service gives clients, tried against a real TURN server: Debian's
 * coturn ({@code turnserver}) on loopback with {@code use-auth-secret} and the same secret,
 * and its own client {@code turnutils_uclient}, which allocates a relay with them and sends
 * data through it. So the scheme is checked by the server that implements it, not only
 * recomputed by our code. ({@code tools/test-all.sh} installs coturn.)
 */
class TurnCredentialsAreAcceptedByCoturnTest {
    private static final String SECRET = "a-secret-shared-with-coturn";
    private static Process turnServer;
    private static int port;
    private static Path work;

    @BeforeAll
    static void startCoturn() throws Exception {
        port = RedisServerExtension.freePort();
        work = Files.createTempDirectory("coturn");
        int relayFrom = 40_000 + (int) (ProcessHandle.current().pid() % 200) * 100;
        turnServer = new ProcessBuilder("turnserver", "-n", "--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1",
                "--listening-port=" + port, "--use-auth-secret", "--static-auth-secret=" + SECRET, "--realm=sup.test",
                "--no-tls", "--no-dtls", "--no-cli", "--allow-loopback-peers", "--log-file=stdout", "--simple-log",
                "--min-port=" + relayFrom, "--max-port=" + (relayFrom + 99),
                "--pidfile=" + work.resolve("turnserver.pid"), "--userdb=" + work.resolve("turndb"))
                .redirectErrorStream(true).redirectOutput(work.resolve("turnserver.log").toFile()).start();
        Awaitility.await("coturn listening on " + port).atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                        return true;
                    }
                });
    }

    @AfterAll
    static void stopCoturn() throws InterruptedException {
        if (turnServer != null) {
            turnServer.destroy();
            turnServer.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aMintedCredentialAllocatesARelay() throws Exception {
        IceServer turn = servers(Duration.ofMinutes(10)).forUser("alice").getLast();
        assertTrue(turn.username().orElseThrow().endsWith(":alice"));
        assertEquals(0, allocate(turn.username().orElseThrow(), turn.credential().orElseThrow()),
                "coturn refused our credential; its log: " + work.resolve("turnserver.log"));
    }

    @Test
    void aWrongOrExpiredCredentialIsRefused() throws Exception {
        IceServer turn = servers(Duration.ofMinutes(10)).forUser("bob").getLast();
        assertNotEquals(0, allocate(turn.username().orElseThrow(), "d3JvbmcgY3JlZGVudGlhbA=="), "a wrong credential");
        TurnCredentials.Minted otherSecret = new TurnCredentials("not-the-secret-coturn-has")
                .mint("bob", Instant.now().plusSeconds(600));
        assertNotEquals(0, allocate(otherSecret.username(), otherSecret.credential()), "another secret's credential");
        TurnCredentials.Minted expired = new TurnCredentials(SECRET).mint("bob", Instant.now().minusSeconds(60));
        assertNotEquals(0, allocate(expired.username(), expired.credential()), "an expired credential");
    }

    private static IceServers servers(Duration ttl) {
        return new IceServers(List.of("stun:127.0.0.1:" + port), List.of("turn:127.0.0.1:" + port + "?transport=udp"),
                Optional.of(new TurnCredentials(SECRET)), ttl, Clock.systemUTC());
    }

    /** coturn's client: allocates a relay (client-to-client mode) and sends one message through it; its exit code. */
    private static int allocate(String username, String credential) throws IOException, InterruptedException {
        Path log = Files.createTempFile(work, "uclient", ".log");
        Process client = new ProcessBuilder("turnutils_uclient", "-y", "-n", "1", "-c", "-u", username, "-w", credential,
                "-p", Integer.toString(port), "127.0.0.1").redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!client.waitFor(60, TimeUnit.SECONDS)) {
            client.destroyForcibly();
            throw new AssertionError("turnutils_uclient did not finish; its log: " + log);
        }
        return client.exitValue();
    }
}
