package io.sup.realtime.tools;

import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sup chat list}: ListUserChats, then prints the user's chat ids, one per line and
 * sorted (nothing on stdout when there are none, with a note on stderr), or as JSON.
 */
@Command(name = "list",
        mixinStandardHelpOptions = true,
        description = "List the ids of the chats a user belongs to (ListUserChats), one per line.",
        footer = {"", "Example: for c in $(sup chat list --user alice); do sup chat show --id \"$c\"; done"})
public final class ChatListCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    private CommandSpec spec;

    @Mixin
    private ChatAdminOptions admin;

    @Option(names = {"-u", "--user"}, required = true, paramLabel = "<user>", description = "User id.")
    private String userId;

    /** @param context where the target's default is read */
    public ChatListCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        try (ChatAdminClient client = admin.open(context)) {
            List<String> chatIds = client.chatsOf(userId);
            if (chatIds.isEmpty() && !admin.json()) {
                spec.commandLine().getErr().println("(" + userId + " is in no chats)");
                spec.commandLine().getErr().flush();
            } else {
                admin.print(ChatOutput.text(chatIds), ChatOutput.json(userId, chatIds));
            }
        }
        return SupCli.EXIT_OK;
    }
}
