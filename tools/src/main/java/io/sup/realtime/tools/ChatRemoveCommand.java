package io.sup.realtime.tools;

import java.util.List;
import java.util.concurrent.Callable;

import io.sup.realtime.proto.messaging.v1.Chat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sup chat remove}: RemoveMembers, then prints the chat as it now is. NOT_FOUND for an unknown chat. */
@Command(name = "remove",
        mixinStandardHelpOptions = true,
        description = "Remove members from a chat (RemoveMembers; idempotent).",
        footer = {"", "Example: sup chat remove --id c1 --member carol"})
public final class ChatRemoveCommand implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    private ChatAdminOptions admin;

    @Option(names = "--id", required = true, paramLabel = "<chat>", description = "Chat id.")
    private String chatId;

    @Option(names = {"-m", "--member"}, required = true, split = ",", paramLabel = "<user>",
            description = "A user id; repeat it or separate ids with commas.")
    private List<String> members;

    /** @param context where the target's default is read */
    public ChatRemoveCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        try (ChatAdminClient client = admin.open(context)) {
            Chat chat = client.removeMembers(chatId, members);
            admin.print(ChatOutput.text(chat), ChatOutput.json(chat));
        }
        return SupCli.EXIT_OK;
    }
}
