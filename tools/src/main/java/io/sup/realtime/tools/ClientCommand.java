package io.sup.realtime.tools;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sup client}: an interactive native-protocol client (JSON frames at {@code /ws}) on
 * the JDK's {@link java.net.http.WebSocket}.
 *
 * <p>It connects with {@code --token} (or a token it mints for {@code --user} with
 * {@code --secret}/{@code JWT_SECRET}) sent as {@code Authorization: Bearer}, prints every
 * frame it receives ({@code << ...}, acks as {@code << ack N: {...}}, delivered messages also
 * as {@code [chat] sender: content}, presence as {@code bob is away — "in a meeting" (last seen
 * ...)}) and every frame it sends ({@code >> ...}), joins the
 * {@code --join} chat, then reads standard input line by line (see {@link ClientInput}).
 * At end of input it keeps printing for {@code --wait-ms}, then closes normally, so
 * {@code printf 'hello\n' | sup client ...} works in scripts.
 *
 * <p>Exit {@value SupCli#EXIT_FAILURE} when the connection is refused or the server closes it
 * with anything but 1000 (the close code and reason are printed); {@value SupCli#EXIT_OK}
 * otherwise.
 */
@Command(name = "client",
        mixinStandardHelpOptions = true,
        description = {"Interactive native-protocol WebSocket client: prints every frame, sends what you type.",
                "Each line typed is a message for the current chat or a command (see Input lines)."},
        footer = {"", "Input lines (/help lists them too):",
                "  <text>                  message:new to the current chat (//text sends /text)",
                "  /join <chat>            join the chat (chat:join) and make it current",
                "  /send <event> [json]    send any event; data defaults to {}",
                "  /status <online|away|busy|offline> [text | --clear]",
                "                          set your presence (presence:update): /status away",
                "                          keeps the custom status, /status away <text> sets it,",
                "                          /status away --clear clears it",
                "  /watch <user>...        print these users' presence (presence:subscribe) now",
                "                          and whenever it changes, and which are not visible",
                "  /unwatch <user>...      stop watching them (presence:unsubscribe)",
                "  /quit                   close the connection and exit (so does end of input)",
                "", "Examples:",
                "  sup client --user alice --join c1            # token minted with $JWT_SECRET",
                "  sup client --token \"$TOKEN\" --join c1 --url ws://localhost:3001/ws",
                "  printf 'hello\\n/quit\\n' | sup client --user bob --join c1",
                "  printf '/status busy\\n/watch bob\\n' | sup client -u alice --wait-ms 60000",
                "", "Exits 1 when the connection is refused or the server closes it with a code",
                "other than 1000 (code and reason printed); 2 for a usage error."})
public final class ClientCommand implements Callable<Integer> {
    /** The gateway's local native endpoint. */
    public static final String DEFAULT_URL = "ws://localhost:3001/ws";

    private final CliContext context;

    @Spec
    private CommandSpec spec;

    @Option(names = "--url", paramLabel = "<ws-url>", defaultValue = DEFAULT_URL,
            description = "Gateway native endpoint (ws:// or wss://); default: ${DEFAULT-VALUE}.")
    private String url;

    @Option(names = "--token", paramLabel = "<jwt>", description = "Access token to connect with.")
    private String token;

    @Option(names = {"-u", "--user"}, paramLabel = "<id>",
            description = "Mint a token for this user instead (needs --secret or $JWT_SECRET).")
    private String user;

    @Option(names = {"-d", "--device"}, paramLabel = "<id>",
            description = "Device id: the minted token's deviceId claim, or with --token the deviceId handshake parameter.")
    private String device;

    @Option(names = {"-s", "--secret"}, paramLabel = "<secret>", description = "HS256 secret for --user; default: $JWT_SECRET.")
    private String secret;

    @Option(names = "--ttl", paramLabel = "<duration>", defaultValue = "24h", converter = Ttl.Converter.class,
            description = "Lifetime of a minted token (30m, 24h, ...); default: ${DEFAULT-VALUE}.")
    private Duration ttl;

    @Option(names = {"-j", "--join"}, paramLabel = "<chat>", description = "Join this chat after connecting and make it current.")
    private String join;

    @Option(names = "--wait-ms", paramLabel = "<ms>", defaultValue = "1000",
            description = "How long to keep printing after end of input before closing; default: ${DEFAULT-VALUE}.")
    private long waitMs;

    @Option(names = "--connect-timeout-ms", paramLabel = "<ms>", defaultValue = "5000",
            description = "How long to wait for the connection; default: ${DEFAULT-VALUE}.")
    private long connectTimeoutMs;

    private volatile String currentChat;

    /** @param context environment ({@code JWT_SECRET}) and standard input */
    public ClientCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException {
        validate();
        URI uri = endpoint(url, token != null ? device : null, spec);
        String bearer = token != null ? token : mint();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        try (NativeConnection connection = NativeConnection.open(uri, bearer, Duration.ofMillis(connectTimeoutMs), out)) {
            if (join != null) {
                joinChat(connection, join, err);
                awaitJoin(connection);
            }
            BlockingQueue<Optional<String>> lines = readLines();
            boolean endOfInput = false;
            boolean quit = false;
            while (!connection.isEnded() && !endOfInput && !quit) {
                Optional<String> line = lines.poll(50, TimeUnit.MILLISECONDS);
                if (line == null) {
                    continue;
                }
                if (line.isEmpty()) {
                    endOfInput = true;
                } else {
                    quit = handle(connection, ClientInput.parse(line.get()), out, err);
                }
            }
            if (endOfInput) {
                connection.awaitEnd(Duration.ofMillis(waitMs));
            } else if (quit) {
                connection.awaitAcks(Duration.ofMillis(waitMs));
            }
            NativeConnection.Ending ending = connection.closeNormally();
            if (ending.isError()) {
                throw new CliFailure(ending.describe());
            }
            synchronized (out) {
                out.println("-- " + ending.describe());
                out.flush();
            }
            return SupCli.EXIT_OK;
        }
    }

    /** Acts on one input line; true when the user asked to quit. */
    private boolean handle(NativeConnection connection, ClientInput input, PrintWriter out, PrintWriter err) {
        switch (input) {
            case ClientInput.Nothing nothing -> {
            }
            case ClientInput.Quit q -> {
                return true;
            }
            case ClientInput.Help h -> note(err, "commands:\n" + ClientInput.HELP);
            case ClientInput.Invalid invalid -> note(err, invalid.problem());
            case ClientInput.Join j -> {
                joinChat(connection, j.chatId(), err);
                awaitJoin(connection);
            }
            case ClientInput.Text text -> {
                if (currentChat == null) {
                    note(err, "no current chat: /join <chat> first (or start with --join <chat>)");
                } else {
                    String chat = currentChat;
                    String tempId = NativeFrames.newTempId();
                    connection.send(id -> NativeFrames.messageNew(id, chat, text.content(), tempId));
                }
            }
            case ClientInput.Send send -> {
                try {
                    NativeFrames.event(send.event(), 0, send.dataJson());
                } catch (IllegalArgumentException e) {
                    note(err, "not sent: " + e.getMessage());
                    return false;
                }
                connection.send(id -> NativeFrames.event(send.event(), id, send.dataJson()));
            }
            case ClientInput.SetStatus status -> connection.send(
                    id -> NativeFrames.presenceUpdate(id, status.status(), status.customStatus()),
                    ack -> refused(ack, "status not set", err));
            case ClientInput.Watch watch -> connection.send(id -> NativeFrames.presenceSubscribe(id, watch.userIds()), ack -> {
                if (!refused(ack, "not watching " + String.join(", ", watch.userIds()), err)) {
                    print(out, NativeFrames.readableSubscription(watch.userIds(), ack));
                }
            });
            case ClientInput.Unwatch unwatch -> connection.send(
                    id -> NativeFrames.presenceUnsubscribe(id, unwatch.userIds()),
                    ack -> refused(ack, "unwatch refused for " + String.join(", ", unwatch.userIds()), err));
        }
        return false;
    }

    /** Joins {@code chatId}; it becomes the current chat only once the server accepts the join. */
    private void joinChat(NativeConnection connection, String chatId, PrintWriter err) {
        connection.send(id -> NativeFrames.join(id, chatId), ack -> {
            if (ack.path("success").asBoolean()) {
                currentChat = chatId;
            } else {
                note(err, "not joined " + chatId + " (" + ack.at("/error/code").asText() + "): "
                        + (currentChat == null ? "no current chat" : "still in " + currentChat));
            }
        });
    }

    /** The lines after a join go to the joined chat: wait for the join's answer first. */
    private void awaitJoin(NativeConnection connection) {
        try {
            connection.awaitAcks(Duration.ofMillis(connectTimeoutMs));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Says {@code what} and why on {@code err} when {@code ack} is a failure; true then. */
    private static boolean refused(JsonNode ack, String what, PrintWriter err) {
        if (ack.path("success").asBoolean()) {
            return false;
        }
        note(err, NativeFrames.refusal(what, ack));
        return true;
    }

    private static void print(PrintWriter out, List<String> lines) {
        synchronized (out) {
            lines.forEach(out::println);
            out.flush();
        }
    }

    private static void note(PrintWriter err, String text) {
        synchronized (err) {
            err.println(text);
            err.flush();
        }
    }

    /** Standard input, line by line, on a daemon thread; an empty Optional marks the end. */
    private BlockingQueue<Optional<String>> readLines() {
        BlockingQueue<Optional<String>> lines = new LinkedBlockingQueue<>();
        Thread reader = Thread.ofPlatform().daemon().name("sup-client-stdin").unstarted(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(context.stdin(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(Optional.of(line));
                }
            } catch (IOException e) {
                // Treated as the end of input.
            } finally {
                lines.add(Optional.empty());
            }
        });
        reader.start();
        return lines;
    }

    private void validate() {
        if (token != null && user != null) {
            throw new ParameterException(spec.commandLine(), "give either --token or --user, not both");
        }
        if (token == null && user == null) {
            throw new ParameterException(spec.commandLine(), "no credentials: pass --token <jwt>, or --user <id> to mint one");
        }
        if (token != null && token.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--token is empty");
        }
        if (waitMs < 0) {
            throw new ParameterException(spec.commandLine(), "--wait-ms must be 0 or more");
        }
        if (connectTimeoutMs <= 0) {
            throw new ParameterException(spec.commandLine(), "--connect-timeout-ms must be more than 0");
        }
        if (join != null && join.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--join is empty");
        }
    }

    private String mint() {
        String key = TokenCommand.resolveSecret(secret, context, spec);
        Tokens.Claims claims = TokenCommand.claims(user, device, ttl, null, null, spec);
        TokenCommand.warnIfShort(key, spec);
        return Tokens.sign(key, claims, Clock.systemUTC().instant());
    }

    /**
     * The endpoint to connect to: {@code url} checked to be ws:// or wss:// with a host, with
     * {@code deviceId} added as a query parameter when given.
     *
     * @throws ParameterException when the URL is unusable
     */
    static URI endpoint(String url, String deviceId, CommandSpec spec) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ParameterException(spec.commandLine(), "--url '" + url + "' is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            throw new ParameterException(spec.commandLine(), "--url must start with ws:// or wss://, such as " + DEFAULT_URL);
        }
        if (uri.getHost() == null) {
            throw new ParameterException(spec.commandLine(), "--url '" + url + "' has no host");
        }
        if (deviceId == null) {
            return uri;
        }
        String param = "deviceId=" + URLEncoder.encode(deviceId, StandardCharsets.UTF_8);
        String query = uri.getRawQuery() == null ? param : uri.getRawQuery() + "&" + param;
        String base = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
        return URI.create(base + "?" + query);
    }
}
