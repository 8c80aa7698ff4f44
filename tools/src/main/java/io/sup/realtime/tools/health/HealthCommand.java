package io.sup.realtime.tools.health;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.sup.realtime.tools.CliContext;
import io.sup.realtime.tools.SupCli;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sup health}: checks every service's liveness and readiness (Helidon health on its
 * observe port: {@code /health/live}, {@code /health/ready}; readiness covers the service's
 * Redis, and the gateway's delivery-bus subscription) and, with {@code --redis}, pings the
 * Redis itself; prints a table (or {@code --json}) and exits {@value #EXIT_DOWN} when
 * something answered but is not up, {@value #EXIT_UNREACHABLE} when something did not answer
 * (that wins), {@value SupCli#EXIT_OK} when everything is up.
 *
 * <p>Targets: the five services at their local default observe ports (DESIGN.md, ports),
 * each overridable with an option or an environment variable; or {@code --targets} (or
 * {@code SUP_HEALTH_TARGETS}), which lists exactly what to check, e.g. two gateways. Every
 * target is checked at once, each request bounded by {@code --timeout-ms}.
 */
@Command(name = "health",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Check every service's liveness and readiness (GET /health/live and /health/ready on its "
                + "health and metrics port) and, with --redis, ping the Redis they use; print a table.",
                "Readiness covers each service's Redis (the 'redis' check) and, for the gateway, its "
                        + "delivery-bus subscription ('delivery-inbox')."},
        footer = {"", "Exit codes:",
                "  " + SupCli.EXIT_OK + "  everything is live and ready",
                "  " + HealthCommand.EXIT_DOWN + "  something answered but is not live or not ready (a check is DOWN: Redis away, say)",
                "  " + HealthCommand.EXIT_UNREACHABLE + "  something did not answer, timed out, or is not a health endpoint (wins over "
                        + HealthCommand.EXIT_DOWN + ")",
                "  " + SupCli.EXIT_USAGE + "  bad arguments",
                "", "Examples:",
                "  sup health                                        # the local run (tools/run-local.sh)",
                "  sup health --redis --json",
                "  sup health --gateway http://10.0.0.7:9091 --timeout-ms 1000",
                "  sup health --targets gw-a=http://gw-a:9091,gw-b=http://gw-b:9091 --redis redis://redis:6379"})
public final class HealthCommand implements Callable<Integer> {
    /** Something answered but is not live or not ready. */
    public static final int EXIT_DOWN = 3;
    /** Something did not answer (refused, timed out) or is not a health endpoint. */
    public static final int EXIT_UNREACHABLE = 4;
    /** Replaces the five default targets: {@code name=url[,name=url...]}. */
    public static final String TARGETS_ENV = "SUP_HEALTH_TARGETS";

    private final CliContext context;

    @Spec
    private CommandSpec spec;

    @Option(names = "--gateway", paramLabel = "<url>",
            description = "edge-gateway's health port; default: $GATEWAY_HEALTH_URL or http://localhost:9091.")
    private String gateway;

    @Option(names = "--messaging", paramLabel = "<url>",
            description = "messaging-service's; default: $MESSAGING_HEALTH_URL or http://localhost:9101.")
    private String messaging;

    @Option(names = "--presence", paramLabel = "<url>",
            description = "presence-service's; default: $PRESENCE_HEALTH_URL or http://localhost:9102.")
    private String presence;

    @Option(names = "--calls", paramLabel = "<url>",
            description = "call-signaling-service's; default: $CALLS_HEALTH_URL or http://localhost:9103.")
    private String calls;

    @Option(names = "--notifications", paramLabel = "<url>",
            description = "notification-service's; default: $NOTIFICATIONS_HEALTH_URL or http://localhost:9104.")
    private String notifications;

    @Option(names = "--targets", paramLabel = "<name=url>", split = ",",
            description = "Check exactly these instead of the five services (e.g. two gateways); default: $" + TARGETS_ENV + ".")
    private List<String> targets;

    @Option(names = "--redis", paramLabel = "<url>", arity = "0..1", fallbackValue = "",
            description = {"Also PING Redis directly: this redis[s]:// URL (comma-separated seeds: each is pinged), "
                    + "or without a value $REDIS_URL, else redis://127.0.0.1:6379."})
    private String redis;

    @Option(names = "--timeout-ms", paramLabel = "<ms>", defaultValue = "3000",
            description = "How long each request may take, connecting included, in milliseconds; default: ${DEFAULT-VALUE}.")
    private long timeoutMs;

    @Option(names = "--json", description = "Print one JSON object instead of the table (same exit codes).")
    private boolean json;

    /** @param context where the {@code *_HEALTH_URL}, {@code SUP_HEALTH_TARGETS} and {@code REDIS_URL} variables are read */
    public HealthCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (timeoutMs <= 0) {
            throw new ParameterException(spec.commandLine(), "--timeout-ms must be more than 0");
        }
        List<HealthTarget> all;
        try {
            all = targets();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        HealthReport report = check(all, Duration.ofMillis(timeoutMs));
        var out = spec.commandLine().getOut();
        out.print(json ? report.json() + "\n" : report.table());
        out.flush();
        return switch (report.state()) {
            case UP -> SupCli.EXIT_OK;
            case DOWN -> EXIT_DOWN;
            case UNREACHABLE -> EXIT_UNREACHABLE;
        };
    }

    /**
     * Checks every target at once (a virtual thread each), so a run takes about the slowest
     * target's time, at most {@code timeout} per request.
     */
    public static HealthReport check(List<HealthTarget> targets, Duration timeout) throws InterruptedException {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            ServiceProbe services = new ServiceProbe(http, timeout);
            RedisProbe redisProbe = new RedisProbe(timeout);
            List<Future<TargetHealth>> pending = new ArrayList<>();
            for (HealthTarget target : targets) {
                pending.add(pool.submit(() -> target.isRedis() ? redisProbe.probe(target) : services.probe(target)));
            }
            List<TargetHealth> results = new ArrayList<>();
            for (int i = 0; i < pending.size(); i++) {
                try {
                    results.add(pending.get(i).get());
                } catch (ExecutionException e) {
                    // A probe reports what the target does; an exception here is a defect, shown on its row.
                    results.add(TargetHealth.unreachable(targets.get(i), "probe failed: " + e.getCause()));
                }
            }
            return new HealthReport(results);
        }
    }

    /** {@code --targets} or {@code SUP_HEALTH_TARGETS}, else the five services; then the Redis nodes of {@code --redis}. */
    private List<HealthTarget> targets() {
        List<HealthTarget> all = new ArrayList<>();
        List<String> listed = targets != null ? targets : splitEnv(TARGETS_ENV);
        if (!listed.isEmpty()) {
            for (String entry : listed) {
                all.add(HealthTarget.parse(entry));
            }
        } else {
            all.add(service("edge-gateway", gateway, "GATEWAY_HEALTH_URL", "http://localhost:9091"));
            all.add(service("messaging-service", messaging, "MESSAGING_HEALTH_URL", "http://localhost:9101"));
            all.add(service("presence-service", presence, "PRESENCE_HEALTH_URL", "http://localhost:9102"));
            all.add(service("call-signaling-service", calls, "CALLS_HEALTH_URL", "http://localhost:9103"));
            all.add(service("notification-service", notifications, "NOTIFICATIONS_HEALTH_URL", "http://localhost:9104"));
        }
        if (redis != null) {
            String urls = redis.isBlank() ? orDefault(context.envValue("REDIS_URL"), "redis://127.0.0.1:6379") : redis;
            List<String> seeds = List.of(urls.split(",")).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
            for (int i = 0; i < seeds.size(); i++) {
                HealthTarget node = HealthTarget.of(seeds.size() == 1 ? "redis" : "redis-" + (i + 1), seeds.get(i));
                if (!node.isRedis()) {
                    throw new IllegalArgumentException("--redis takes redis://host:port or rediss://host:port, not "
                            + node.shownUrl());
                }
                all.add(node);
            }
        }
        return all;
    }

    private HealthTarget service(String name, String option, String env, String fallback) {
        String url = option != null ? option : orDefault(context.envValue(env), fallback);
        HealthTarget target = HealthTarget.of(name, url);
        if (target.isRedis()) {
            throw new IllegalArgumentException("the URL of " + name + " must be http://host:port (its health and metrics port)");
        }
        return target;
    }

    private List<String> splitEnv(String name) {
        String value = context.envValue(name);
        return value == null ? List.of() : List.of(value.split(",")).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static String orDefault(String value, String fallback) {
        return value == null ? fallback : value.trim();
    }
}
