package io.sup.realtime.tools;

import java.util.Map;

import io.sup.realtime.platform.config.Settings;
import io.sup.realtime.platform.service.ServiceHost;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sup chat} through real grpc-java stubs against the messaging service's real
 * {@code ChatAdminService} endpoint (its chat rules and store on a real Redis, behind the
 * platform's gRPC server and error mapping, started as the real messaging-service): results print as text and JSON, gRPC errors as
 * {@code error: <STATUS>: <description>} with exit 1.
 */
class ChatCommandsAgainstMessagingServiceTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static ServiceHost messaging;
    private static Map<String, String> env;

    @BeforeAll
    static void startMessagingService() {
        messaging = io.sup.realtime.messaging.Main.start(Settings.of("messaging-service", Map.of(
                "grpc.port", "0", "observe.port", "0", "redis.url", REDIS.url().toString())));
        env = Map.of("MESSAGING_GRPC_TARGET", "localhost:" + messaging.grpcPort());
    }

    @AfterAll
    static void stop() {
        messaging.close();
    }

    @Test
    void createAddRemoveShowAndListRoundTrip() {
        CliRun created = CliRun.run(env, "chat", "create", "--id", "c1", "--member", "bob", "--member", "alice", "--title", "Team");
        assertEquals(0, created.exitCode(), created.toString());
        assertTrue(created.out().startsWith("chat c1\n  title:   Team\n  members: alice, bob (2)\n  created: "), created.out());

        CliRun added = CliRun.run(env, "chat", "add", "--id", "c1", "--member", "carol,dave");
        assertEquals(0, added.exitCode(), added.toString());
        assertTrue(added.out().contains("members: alice, bob, carol, dave (4)"), added.out());

        CliRun removed = CliRun.run(env, "chat", "remove", "--id", "c1", "-m", "bob");
        assertEquals(0, removed.exitCode(), removed.toString());
        assertTrue(removed.out().contains("members: alice, carol, dave (3)"), removed.out());

        CliRun shown = CliRun.run(env, "chat", "show", "--id", "c1", "--json");
        assertEquals(0, shown.exitCode(), shown.toString());
        assertTrue(shown.out().startsWith("{\"id\":\"c1\",\"title\":\"Team\",\"memberIds\":[\"alice\",\"carol\",\"dave\"],\"createdAt\":\""),
                shown.out());

        CliRun.run(env, "chat", "create", "--id", "a0", "--member", "alice");
        CliRun listed = CliRun.run(env, "chat", "list", "--user", "alice");
        assertEquals(0, listed.exitCode(), listed.toString());
        assertEquals("a0\nc1\n", listed.out());

        CliRun listedJson = CliRun.run(env, "chat", "list", "--user", "alice", "--json");
        assertEquals("{\"userId\":\"alice\",\"chatIds\":[\"a0\",\"c1\"]}\n", listedJson.out());
    }

    @Test
    void userWithoutChatsPrintsNothingOnStdoutAndANoteOnStderr() {
        CliRun run = CliRun.run(env, "chat", "list", "--user", "nobody");

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("", run.out());
        assertTrue(run.err().contains("nobody is in no chats"), run.err());
    }

    @Test
    void grpcErrorsPrintStatusAndDescriptionAndExitOne() {
        CliRun.run(env, "chat", "create", "--id", "dup", "--member", "alice");

        CliRun exists = CliRun.run(env, "chat", "create", "--id", "dup", "--member", "alice");
        assertEquals(1, exists.exitCode(), exists.toString());
        assertTrue(exists.err().startsWith("error: ALREADY_EXISTS: "), exists.err());
        assertEquals("", exists.out());

        CliRun missing = CliRun.run(env, "chat", "show", "--id", "no-such-chat");
        assertEquals(1, missing.exitCode(), missing.toString());
        assertTrue(missing.err().startsWith("error: NOT_FOUND: "), missing.err());

        CliRun invalid = CliRun.run(env, "chat", "create", "--id", "has space", "--member", "alice");
        assertEquals(1, invalid.exitCode(), invalid.toString());
        assertTrue(invalid.err().startsWith("error: INVALID_ARGUMENT: "), invalid.err());
    }

    @Test
    void unreachableServiceSaysSoAndExitsOne() {
        int closedPort = RedisServerExtension.freePort();

        CliRun run = CliRun.run(env, "chat", "show", "--id", "c1", "--target", "127.0.0.1:" + closedPort);

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("error: UNAVAILABLE: the messaging service at 127.0.0.1:" + closedPort + " is not reachable"),
                run.err());
    }
}
