package io.sup.realtime.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.sup.realtime.proto.messaging.v1.Chat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sup chat create}: CreateChat, then prints the new chat. ALREADY_EXISTS when the id is taken. */
@Command(name = "create",
        mixinStandardHelpOptions = true,
        description = "Create a chat with its members (CreateChat).",
        footer = {"", "Example: sup chat create --id c1 --member alice --member bob --title 'Team'"})
public final class ChatCreateCommand implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    private ChatAdminOptions admin;

    @Option(names = "--id", required = true, paramLabel = "<chat>",
            description = "Chat id: 1-64 characters of [A-Za-z0-9_.:-].")
    private String chatId;

    @Option(names = {"-m", "--member"}, split = ",", paramLabel = "<user>",
            description = "A member's user id; repeat it or separate ids with commas.")
    private List<String> members = new ArrayList<>();

    @Option(names = "--title", paramLabel = "<title>", defaultValue = "", description = "Chat title; none by default.")
    private String title;

    /** @param context where the target's default is read */
    public ChatCreateCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        try (ChatAdminClient client = admin.open(context)) {
            Chat chat = client.create(chatId, title, members);
            admin.print(ChatOutput.text(chat), ChatOutput.json(chat));
        }
        return SupCli.EXIT_OK;
    }
}
