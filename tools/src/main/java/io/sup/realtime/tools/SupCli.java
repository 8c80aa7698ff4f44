package io.sup.realtime.tools;

import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.sup.realtime.tools.health.HealthCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IFactory;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code sup}: the operator and developer command line of SUP realtime.
 *
 * <ul>
 *   <li>{@code sup token} signs an HS256 access token the gateway accepts ({@link TokenCommand});</li>
 *   <li>{@code sup chat create|add|remove|show|list} administers chats through the messaging
 *       service's {@code ChatAdminService} ({@link ChatCommand});</li>
 *   <li>{@code sup client} is an interactive native-protocol WebSocket client
 *       ({@link ClientCommand});</li>
 *   <li>{@code sup health} checks every service's liveness and readiness and the Redis they
 *       use ({@link HealthCommand}; its own exit codes 3 and 4 for down and unreachable).</li>
 * </ul>
 *
 * <p>Exit codes: {@value #EXIT_OK} success, {@value #EXIT_FAILURE} runtime failure (printed
 * as {@code error: ...} on stderr), {@value #EXIT_USAGE} usage error (bad or missing
 * arguments). {@link #commandLine(CliContext)} builds the same command tree {@link #main}
 * runs, with the environment and standard input given, for tests and embedding.
 */
@Command(name = "sup",
        mixinStandardHelpOptions = true,
        versionProvider = SupCli.Version.class,
        description = "SUP realtime operator and developer tools: tokens, chat administration, an interactive client, health checks.",
        subcommands = {TokenCommand.class, ChatCommand.class, ClientCommand.class, HealthCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 runtime failure, 2 usage error; sup health: 3 down, 4 unreachable (see its --help)."})
public final class SupCli implements Callable<Integer> {
    /** Success. */
    public static final int EXIT_OK = 0;
    /** A runtime failure: service unreachable, gRPC error, connection closed with an error. */
    public static final int EXIT_FAILURE = 1;
    /** Bad or missing arguments (picocli's default for usage errors). */
    public static final int EXIT_USAGE = 2;

    /** Held so the level set in {@link #quietLibraries()} is not lost to garbage collection. */
    private static final Logger GRPC_LOGGER = Logger.getLogger("io.grpc");

    @Spec
    private CommandSpec spec;

    /** Runs {@code sup} with the process's arguments, environment and standard input, then exits. */
    public static void main(String[] args) {
        quietLibraries();
        System.exit(commandLine(CliContext.system()).execute(args));
    }

    /**
     * The full command tree. Commands that need the environment or standard input get
     * {@code context}; errors are printed as one {@code error: ...} line.
     */
    public static CommandLine commandLine(CliContext context) {
        CommandLine cli = new CommandLine(new SupCli(), new ContextFactory(context));
        cli.setExecutionExceptionHandler(new FailureHandler());
        cli.setParameterExceptionHandler(new UsageErrorHandler());
        return cli;
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command: one of token, chat, client, health");
    }

    /** gRPC logs connection failures at WARNING through java.util.logging; the CLI reports them itself. */
    private static void quietLibraries() {
        GRPC_LOGGER.setLevel(Level.SEVERE);
    }

    /** Version from the jar manifest, or "development" when run from classes. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = SupCli.class.getPackage().getImplementationVersion();
            return new String[] {"sup " + (version == null ? "(development build)" : version)};
        }
    }

    /** Creates commands, passing the {@link CliContext} to those whose constructor takes one. */
    private record ContextFactory(CliContext context) implements IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            try {
                Constructor<K> withContext = type.getDeclaredConstructor(CliContext.class);
                return withContext.newInstance(context);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(type);
            }
        }
    }

    /** Runtime failures: one {@code error: ...} line, exit {@value #EXIT_FAILURE}. */
    private static final class FailureHandler implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
            PrintWriter err = cli.getErr();
            if (e instanceof CliFailure failure) {
                err.println("error: " + failure.getMessage());
            } else {
                err.println("error: unexpected " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()));
                e.printStackTrace(err);
            }
            err.flush();
            return EXIT_FAILURE;
        }
    }

    /** Usage errors: the problem, suggestions for a mistyped name, where help is; exit {@value #EXIT_USAGE}. */
    private static final class UsageErrorHandler implements IParameterExceptionHandler {
        @Override
        public int handleParseException(ParameterException e, String[] args) {
            CommandLine cli = e.getCommandLine();
            PrintWriter err = cli.getErr();
            err.println("error: " + e.getMessage());
            UnmatchedArgumentException.printSuggestions(e, err);
            err.println("Run '" + cli.getCommandSpec().qualifiedName() + " --help' for usage.");
            err.flush();
            return EXIT_USAGE;
        }
    }
}
