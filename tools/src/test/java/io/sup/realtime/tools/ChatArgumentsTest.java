package io.sup.realtime.tools;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.grpc.Status;
import io.sup.realtime.proto.messaging.v1.Chat;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sup chat} without a server: argument parsing, where the target comes from, how
 * results print, and how gRPC statuses read.
 */
class ChatArgumentsTest {
    @Test
    void createTakesRepeatedAndCommaSeparatedMembersAndATitle() {
        ParseResult chat = parse(Map.of(), "chat", "create", "--id", "c1", "--member", "alice", "-m", "bob,carol", "--title", "Team")
                .subcommand().subcommand();

        assertEquals("c1", chat.matchedOptionValue("--id", ""));
        assertEquals(List.of("alice", "bob", "carol"), chat.matchedOptionValue("--member", List.of()));
        assertEquals("Team", chat.matchedOptionValue("--title", ""));
    }

    @Test
    void addAndRemoveNeedAnIdAndMembers() {
        for (String sub : List.of("add", "remove")) {
            assertEquals(2, CliRun.run(Map.of(), "chat", sub, "--member", "x").exitCode(), sub + " without --id");
            CliRun noMembers = CliRun.run(Map.of(), "chat", sub, "--id", "c1");
            assertEquals(2, noMembers.exitCode(), sub + " without --member");
            assertTrue(noMembers.err().contains("--member"), noMembers.err());
        }
    }

    @Test
    void showAndListNeedTheirIds() {
        assertEquals(2, CliRun.run(Map.of(), "chat", "show").exitCode());
        assertEquals(2, CliRun.run(Map.of(), "chat", "list").exitCode());
        assertEquals(2, CliRun.run(Map.of(), "chat", "create", "--member", "alice").exitCode());
    }

    @Test
    void theDeadlineIsTheOneGivenAndMustBePositive() throws Exception {
        assertEquals(2, CliRun.run(Map.of(), "chat", "show", "--id", "c1", "--deadline-ms", "0").exitCode());
        // A server that accepts the connection and never answers: the call ends at the deadline asked for.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            CliRun run = CliRun.run(Map.of(), "chat", "show", "--id", "c1",
                    "--target", "127.0.0.1:" + silent.getLocalPort(), "--deadline-ms", "300");
            assertEquals(1, run.exitCode(), run.toString());
            assertTrue(run.err().contains("DEADLINE_EXCEEDED: no answer from the messaging service at 127.0.0.1:"
                    + silent.getLocalPort() + " within 300 ms (--deadline-ms)"), run.err());
        }
    }

    @Test
    void chatWithoutSubcommandOrWithAnUnknownOneIsAUsageError() {
        CliRun none = CliRun.run(Map.of(), "chat");
        assertEquals(2, none.exitCode());
        assertTrue(none.err().contains("create, add, remove, show, list"), none.err());

        CliRun unknown = CliRun.run(Map.of(), "chat", "shwo", "--id", "c1");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("show"), "suggests the near name: " + unknown.err());
    }

    @Test
    void targetIsTheOptionElseTheEnvironmentElseLocalhost7001() {
        Map<String, String> env = Map.of("MESSAGING_GRPC_TARGET", "messaging:7101");

        assertEquals("other:1", target(env, "--target", "other:1"));
        assertEquals("messaging:7101", target(env));
        assertEquals("localhost:7001", target(Map.of()));
    }

    @Test
    void everySubcommandHasHelp() {
        for (String sub : List.of("create", "add", "remove", "show", "list")) {
            CliRun run = CliRun.run(Map.of(), "chat", sub, "--help");
            assertEquals(0, run.exitCode(), sub);
            assertTrue(run.out().contains("--target") && run.out().contains("--json"), run.out());
        }
    }

    @Test
    void chatPrintsAsTextAndAsProto3Json() {
        Chat chat = Chat.newBuilder().setId("c1").setTitle("Team").addMemberIds("alice").addMemberIds("bob")
                .setCreatedAt("2025-03-04T05:06:07.890Z").build();

        assertEquals("""
                chat c1
                  title:   Team
                  members: alice, bob (2)
                  created: 2025-03-04T05:06:07.890Z""", ChatOutput.text(chat));
        assertEquals("{\"id\":\"c1\",\"title\":\"Team\",\"memberIds\":[\"alice\",\"bob\"],\"createdAt\":\"2025-03-04T05:06:07.890Z\"}",
                ChatOutput.json(chat));
        assertEquals("chat c2\n  title:   (none)\n  members: (none) (0)", ChatOutput.text(Chat.newBuilder().setId("c2").build()));
        assertEquals("{\"userId\":\"alice\",\"chatIds\":[\"c1\",\"c2\"]}", ChatOutput.json("alice", List.of("c1", "c2")));
        assertEquals("c1\nc2", ChatOutput.text(List.of("c1", "c2")));
    }

    private static final Duration FIVE_SECONDS = Duration.ofSeconds(5);

    @Test
    void statusesReadAsStatusColonDescription() {
        assertEquals("NOT_FOUND: chat c9 not found",
                ChatAdminClient.describe(Status.NOT_FOUND.withDescription("chat c9 not found"), "localhost:7001", FIVE_SECONDS));
        assertEquals("INTERNAL", ChatAdminClient.describe(Status.INTERNAL, "localhost:7001", FIVE_SECONDS));
        assertEquals("UNAVAILABLE: the messaging service at m:1 is not reachable (io exception)",
                ChatAdminClient.describe(Status.UNAVAILABLE.withDescription("io exception"), "m:1", FIVE_SECONDS));
        assertEquals("DEADLINE_EXCEEDED: no answer from the messaging service at m:1 within 5000 ms (--deadline-ms)",
                ChatAdminClient.describe(Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded after 4.9s"), "m:1", FIVE_SECONDS));
    }

    private static ParseResult parse(Map<String, String> env, String... args) {
        CommandLine cli = SupCli.commandLine(CliContext.of(env, new ByteArrayInputStream(new byte[0])));
        return cli.parseArgs(args);
    }

    private static String target(Map<String, String> env, String... extra) {
        CommandLine cli = SupCli.commandLine(CliContext.of(env, new ByteArrayInputStream(new byte[0])));
        String[] args = new String[2 + extra.length + 2];
        args[0] = "chat";
        args[1] = "show";
        System.arraycopy(extra, 0, args, 2, extra.length);
        args[args.length - 2] = "--id";
        args[args.length - 1] = "c1";
        ParseResult parsed = cli.parseArgs(args);
        CommandLine show = parsed.subcommand().subcommand().commandSpec().commandLine();
        ChatAdminOptions options = (ChatAdminOptions) show.getCommandSpec().mixins().get("admin").userObject();
        return options.target(CliContext.of(env, new ByteArrayInputStream(new byte[0])));
    }
}
