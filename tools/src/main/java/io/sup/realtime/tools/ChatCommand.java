package io.sup.realtime.tools;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sup chat}: chat administration through the messaging service's
 * {@code sup.messaging.v1.ChatAdminService} (create, add and remove members, show, list a
 * user's chats). Each subcommand makes one gRPC call with a deadline ({@code --deadline-ms},
 * 5 s by default) and prints the result as text, or as
 * JSON with {@code --json}. gRPC errors print {@code error: <STATUS>: <description>} and
 * exit {@value SupCli#EXIT_FAILURE}.
 */
@Command(name = "chat",
        mixinStandardHelpOptions = true,
        description = "Administer chats through the messaging service's ChatAdminService (gRPC).",
        subcommands = {ChatCreateCommand.class, ChatMembersCommand.Add.class, ChatMembersCommand.Remove.class,
                ChatShowCommand.class, ChatListCommand.class},
        footer = {"", "The messaging service is found at --target, else $MESSAGING_GRPC_TARGET, else "
                + ChatAdminOptions.DEFAULT_TARGET + ".",
                "", "Examples:",
                "  sup chat create --id c1 --member alice --member bob --title 'Team'",
                "  sup chat add --id c1 --member carol",
                "  sup chat show --id c1 --json",
                "  sup chat list --user alice"})
public final class ChatCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: one of create, add, remove, show, list");
    }
}
