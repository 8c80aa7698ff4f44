package io.sup.realtime.tools;

import java.util.List;
import java.util.concurrent.Callable;

import io.sup.realtime.proto.messaging.v1.Chat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sup chat add}: AddMembers, then prints the chat as it now is. NOT_FOUND for an unknown chat. */
@Command(name = "add",
        mixinStandardHelpOptions = true,
        description = "Add members to a chat (AddMembers; idempotent).",
        footer = {"", "Example: sup chat add --id c1 --member carol --member dave"})
public final class ChatAddCommand implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    private ChatAdminOptions admin;

    @Option(names = "--id", required = true, paramLabel = "<chat>", description = "Chat id.")
    private String chatId;

    @Option(names = {"-m", "--member"}, required = true, split = ",", paramLabel = "<user>",
            description = "A user id; repeat it or separate ids with commas.")
    private List<String> members;

    /** @param context where the target's default is read */
    public ChatAddCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        try (ChatAdminClient client = admin.open(context)) {
            Chat chat = client.addMembers(chatId, members);
            admin.print(ChatOutput.text(chat), ChatOutput.json(chat));
        }
        return SupCli.EXIT_OK;
    }
}
