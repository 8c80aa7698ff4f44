package io.sup.realtime.tools;

import java.util.concurrent.Callable;

import io.sup.realtime.proto.messaging.v1.Chat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sup chat show}: GetChat, then prints the chat with its members. NOT_FOUND for an unknown chat. */
@Command(name = "show",
        mixinStandardHelpOptions = true,
        description = "Show a chat with its members (GetChat).",
        footer = {"", "Example: sup chat show --id c1 --json"})
public final class ChatShowCommand implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    private ChatAdminOptions admin;

    @Option(names = "--id", required = true, paramLabel = "<chat>", description = "Chat id.")
    private String chatId;

    /** @param context where the target's default is read */
    public ChatShowCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        try (ChatAdminClient client = admin.open(context)) {
            Chat chat = client.get(chatId);
            admin.print(ChatOutput.text(chat), ChatOutput.json(chat));
        }
        return SupCli.EXIT_OK;
    }
}
