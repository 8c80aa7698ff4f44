package io.sup.realtime.tools;

import java.util.List;
import java.util.concurrent.Callable;

import io.sup.realtime.proto.messaging.v1.Chat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sup chat add} and {@code sup chat remove}: AddMembers / RemoveMembers (both
 * idempotent), then print the chat as it now is. NOT_FOUND for an unknown chat.
 */
public abstract class ChatMembersCommand implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    private ChatAdminOptions admin;

    @Option(names = "--id", required = true, paramLabel = "<chat>", description = "Chat id.")
    private String chatId;

    @Option(names = {"-m", "--member"}, required = true, split = ",", paramLabel = "<user>",
            description = "A user id; repeat it or separate ids with commas.")
    private List<String> members;

    ChatMembersCommand(CliContext context) {
        this.context = context;
    }

    /** The admin call this command makes. */
    abstract Chat change(ChatAdminClient client, String chatId, List<String> members);

    @Override
    public Integer call() {
        try (ChatAdminClient client = admin.open(context)) {
            Chat chat = change(client, chatId, members);
            admin.print(ChatOutput.text(chat), ChatOutput.json(chat));
        }
        return SupCli.EXIT_OK;
    }

    /** {@code sup chat add}. */
    @Command(name = "add",
            mixinStandardHelpOptions = true,
            description = "Add members to a chat (AddMembers; idempotent).",
            footer = {"", "Example: sup chat add --id c1 --member carol --member dave"})
    public static final class Add extends ChatMembersCommand {
        /** @param context where the target's default is read */
        public Add(CliContext context) {
            super(context);
        }

        @Override
        Chat change(ChatAdminClient client, String chatId, List<String> members) {
            return client.addMembers(chatId, members);
        }
    }

    /** {@code sup chat remove}. */
    @Command(name = "remove",
            mixinStandardHelpOptions = true,
            description = "Remove members from a chat (RemoveMembers; idempotent).",
            footer = {"", "Example: sup chat remove --id c1 --member carol"})
    public static final class Remove extends ChatMembersCommand {
        /** @param context where the target's default is read */
        public Remove(CliContext context) {
            super(context);
        }

        @Override
        Chat change(ChatAdminClient client, String chatId, List<String> members) {
            return client.removeMembers(chatId, members);
        }
    }
}
