package io.sup.realtime.tools;

/**
 * One line typed into {@code sup client}, parsed.
 *
 * <ul>
 *   <li>{@code text}: sent as {@code message:new} to the current chat ({@code //text} sends
 *       {@code /text});</li>
 *   <li>{@code /join <chat>}: joins the chat and makes it current;</li>
 *   <li>{@code /send <event> [json]}: sends any event (data defaults to {@code {}});</li>
 *   <li>{@code /quit}: closes; {@code /help}: lists the commands; an empty line does nothing.</li>
 * </ul>
 */
public sealed interface ClientInput {
    /** What {@code /help} prints. */
    String HELP = String.join("\n",
            "  <text>                 send <text> as message:new to the current chat (//text sends /text)",
            "  /join <chat>           join <chat> (chat:join) and make it the current chat",
            "  /send <event> [json]   send any event with an ack id, e.g. /send message:typing {\"chatId\":\"c1\"}",
            "  /quit                  close the connection and exit (so does end of input)",
            "  /help                  this list");

    /** A message for the current chat. */
    record Text(String content) implements ClientInput {
    }

    /** {@code /join <chat>}. */
    record Join(String chatId) implements ClientInput {
    }

    /** {@code /send <event> [json]}. */
    record Send(String event, String dataJson) implements ClientInput {
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
            default -> new Invalid("unknown command " + command + ": /help lists the commands (//text sends text starting with /)");
        };
    }
}
