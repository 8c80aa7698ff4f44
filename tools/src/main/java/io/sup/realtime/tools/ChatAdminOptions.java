package io.sup.realtime.tools;

import java.time.Duration;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Options every {@code sup chat} subcommand shares (a picocli mixin): where the messaging
 * service is, how long a call may take, and whether to print JSON.
 */
public final class ChatAdminOptions {
    /** The messaging service's local default gRPC address (DESIGN.md, ports). */
    public static final String DEFAULT_TARGET = "localhost:7001";

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--target", paramLabel = "<host:port>",
            description = "Messaging service gRPC target (host:port or dns:///name:port); default: $MESSAGING_GRPC_TARGET or "
                    + DEFAULT_TARGET + ".")
    private String target;

    @Option(names = "--deadline-ms", paramLabel = "<ms>", defaultValue = "5000",
            description = "gRPC deadline of the call, in milliseconds; default: ${DEFAULT-VALUE}.")
    private long deadlineMs;

    @Option(names = "--json", description = "Print the result as one line of JSON instead of text.")
    private boolean json;

    /** Whether {@code --json} was given. */
    public boolean json() {
        return json;
    }

    /** {@code --target}, else {@code MESSAGING_GRPC_TARGET}, else {@value #DEFAULT_TARGET}. */
    public String target(CliContext context) {
        if (target != null && !target.isBlank()) {
            return target.trim();
        }
        String env = context.envValue(CliContext.MESSAGING_GRPC_TARGET);
        return env != null ? env.trim() : DEFAULT_TARGET;
    }

    /**
     * A client for the resolved target.
     *
     * @throws ParameterException when the target is not a usable gRPC name or the deadline is not positive
     */
    public ChatAdminClient open(CliContext context) {
        if (deadlineMs <= 0) {
            throw new ParameterException(mixee.commandLine(), "--deadline-ms must be more than 0");
        }
        String resolved = target(context);
        try {
            return new ChatAdminClient(resolved, Duration.ofMillis(deadlineMs));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(mixee.commandLine(), "'" + resolved + "' is not a gRPC target: " + e.getMessage());
        }
    }

    /** Prints {@code text} or {@code jsonText}, as asked, on the command's stdout. */
    public void print(String text, String jsonText) {
        var out = mixee.commandLine().getOut();
        out.println(json ? jsonText : text);
        out.flush();
    }
}
