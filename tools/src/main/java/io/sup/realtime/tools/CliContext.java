package io.sup.realtime.tools;

import java.io.InputStream;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a command reads from its surroundings besides its arguments: environment variables
 * and standard input. {@link SupCli#main} uses the process's own; tests pass their own, so
 * no test depends on the environment it happens to run in.
 *
 * @param env   environment lookup: variable name to value, or {@code null} when unset
 * @param stdin standard input (read by {@code client})
 */
public record CliContext(Function<String, String> env, InputStream stdin) {
    /** Environment variable holding the HS256 secret, as the gateway reads it. */
    public static final String JWT_SECRET = "JWT_SECRET";
    /** Environment variable naming the messaging service's gRPC target, as the gateway reads it. */
    public static final String MESSAGING_GRPC_TARGET = "MESSAGING_GRPC_TARGET";

    /** Validates the components. */
    public CliContext {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(stdin, "stdin");
    }

    /** The process's environment and standard input. */
    public static CliContext system() {
        return new CliContext(System::getenv, System.in);
    }

    /** A fixed environment and the given input (for tests and embedding). */
    public static CliContext of(Map<String, String> env, InputStream stdin) {
        Map<String, String> copy = Map.copyOf(env);
        return new CliContext(copy::get, stdin);
    }

    /** The variable's value, or {@code null} when it is unset or blank. */
    public String envValue(String name) {
        String value = env.apply(name);
        return value == null || value.isBlank() ? null : value;
    }
}
