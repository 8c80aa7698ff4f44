package io.sup.realtime.tools;

import java.text.BreakIterator;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * One line typed into {@code sup client}, parsed.
 *
 * <ul>
 *   <li>{@code text}: sent as {@code message:new} to the current chat ({@code //text} sends
 *       {@code /text});</li>
 *   <li>{@code /join <chat>}: joins the chat and makes it current;</li>
 *   <li>{@code /send <event> [json]}: sends any event (data defaults to {@code {}});</li>
 *   <li>{@code /status <online|away|busy|offline> [text...]}: sets the user's presence; the
 *       text after the status becomes the custom status, none leaves it unchanged and
 *       {@code --clear} clears it;</li>
 *   <li>{@code /watch <user>...} and {@code /unwatch <user>...}: subscribe to and unsubscribe
 *       from users' presence;</li>
 *   <li>{@code /quit}: closes; {@code /help}: lists the commands; an empty line does nothing.</li>
 * </ul>
 */
public sealed interface ClientInput {
    /** What {@code /help} prints. */
    String HELP = String.join("\n",
            "  <text>                     send <text> as message:new to the current chat (//text sends /text)",
            "  /join <chat>               join <chat> (chat:join) and make it the current chat",
            "  /send <event> [json]       send any event with an ack id, e.g. /send message:typing {\"chatId\":\"c1\"}",
            "  /status <status> [text]    set your presence (presence:update): online, away, busy or offline;",
            "                             text after it sets your custom status, --clear clears it, none keeps it:",
            "                             /status away in a meeting | /status online --clear | /status busy",
            "  /watch <user>...           show these users' presence now and as it changes (presence:subscribe)",
            "  /unwatch <user>...         stop showing their presence (presence:unsubscribe)",
            "  /quit                      close the connection and exit (so does end of input)",
            "  /help                      this list");

    /** The statuses {@code /status} takes. */
    List<String> STATUSES = List.of("online", "away", "busy", "offline");
    /** What {@code /status <status> --clear} means: clear the custom status. */
    String CLEAR = "--clear";
    /** The longest custom status the server takes, in user-visible characters (grapheme clusters). */
    int MAX_CUSTOM_STATUS = 100;
    /** The most users one {@code /watch} or {@code /unwatch} may name. */
    int MAX_USERS = 100;

    /** A message for the current chat. */
    record Text(String content) implements ClientInput {
    }

    /** {@code /join <chat>}. */
    record Join(String chatId) implements ClientInput {
    }

    /** {@code /send <event> [json]}. */
    record Send(String event, String dataJson) implements ClientInput {
    }

    /**
     * {@code /status <status> [text]}.
     *
     * @param status       one of {@link #STATUSES}
     * @param customStatus the new custom status: null leaves it unchanged, empty clears it
     */
    record SetStatus(String status, String customStatus) implements ClientInput {
    }

    /** {@code /watch <user>...}: the users, in the order typed, each once. */
    record Watch(List<String> userIds) implements ClientInput {
    }

    /** {@code /unwatch <user>...}: the users, in the order typed, each once. */
    record Unwatch(List<String> userIds) implements ClientInput {
    }

    /** {@code /quit}. */
    record Quit() implements ClientInput {
    }

    /** {@code /help}. */
    record Help() implements ClientInput {
    }

    /** An empty line. */
    record Nothing() implements ClientInput {
    }

    /** A line the client cannot act on; {@code problem} says why. */
    record Invalid(String problem) implements ClientInput {
    }

    /** Parses one input line. */
    static ClientInput parse(String line) {
        String trimmed = line.strip();
        if (trimmed.isEmpty()) {
            return new Nothing();
        }
        if (trimmed.startsWith("//")) {
            return new Text(trimmed.substring(1));
        }
        if (!trimmed.startsWith("/")) {
            return new Text(line);
        }
        String[] parts = trimmed.split("\\s+", 3);
        String command = parts[0];
        return switch (command) {
            case "/quit", "/exit" -> new Quit();
            case "/help", "/?" -> new Help();
            case "/join" -> parts.length == 2 ? new Join(parts[1]) : new Invalid("usage: /join <chat>");
            case "/send" -> parts.length >= 2
                    ? new Send(parts[1], parts.length == 3 ? parts[2] : "{}")
                    : new Invalid("usage: /send <event> [json]");
            case "/status" -> status(parts);
            case "/watch" -> users(trimmed, "/watch", Watch::new);
            case "/unwatch" -> users(trimmed, "/unwatch", Unwatch::new);
            default -> new Invalid("unknown command " + command + ": /help lists the commands (//text sends text starting with /)");
        };
    }

    private static ClientInput status(String[] parts) {
        String usage = "usage: /status <online|away|busy|offline> [custom status text | --clear]";
        if (parts.length < 2) {
            return new Invalid(usage);
        }
        String status = parts[1].toLowerCase(Locale.ROOT);
        if (!STATUSES.contains(status)) {
            return new Invalid("unknown status '" + parts[1] + "': one of " + String.join(", ", STATUSES)
                    + " (" + usage + ")");
        }
        if (parts.length == 2) {
            return new SetStatus(status, null);
        }
        String text = parts[2];
        if (text.split("\\s+", 2)[0].equals(CLEAR)) {
            return text.equals(CLEAR) ? new SetStatus(status, "")
                    : new Invalid(CLEAR + " takes no text: /status " + status + " " + CLEAR + " clears the custom status, "
                            + "/status " + status + " <text> sets it");
        }
        int length = graphemes(text);
        if (length > MAX_CUSTOM_STATUS) {
            return new Invalid("custom status too long: " + length + " characters, at most " + MAX_CUSTOM_STATUS);
        }
        return new SetStatus(status, text);
    }

    private static ClientInput users(String trimmed, String command, Function<List<String>, ClientInput> make) {
        String[] words = trimmed.split("\\s+");
        Set<String> users = new LinkedHashSet<>(Arrays.asList(words).subList(1, words.length));
        if (users.isEmpty()) {
            return new Invalid("usage: " + command + " <user> [user...]");
        }
        if (users.size() > MAX_USERS) {
            return new Invalid(command + " takes at most " + MAX_USERS + " users at once, not " + users.size());
        }
        return make.apply(List.copyOf(users));
    }

    /** User-visible characters: extended grapheme clusters, as the server counts them. */
    private static int graphemes(String text) {
        BreakIterator characters = BreakIterator.getCharacterInstance(Locale.ROOT);
        characters.setText(text);
        int count = 0;
        while (characters.next() != BreakIterator.DONE) {
            count++;
        }
        return count;
    }
}
