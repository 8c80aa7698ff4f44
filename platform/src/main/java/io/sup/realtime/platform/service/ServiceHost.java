package io.sup.realtime.platform.service;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.grpc.BindableService;
import io.helidon.health.HealthCheck;
import io.sup.realtime.platform.config.Settings;
import io.sup.realtime.platform.grpc.GrpcServerHost;
import io.sup.realtime.platform.grpc.GrpcTls;
import io.sup.realtime.platform.observe.ObserveServer;
import io.sup.realtime.platform.redis.RedisReadiness;
import io.sup.realtime.platform.telemetry.Tracing;
import redis.clients.jedis.UnifiedJedis;

/**
 * What every domain service runs besides its domain: its gRPC server on {@code grpc.port}
 * ({@code GRPC_PORT}) with the standard health service, and Helidon health and metrics on
 * {@code observe.port} ({@code OBSERVE_PORT}) with readiness tied to its Redis. Closing it
 * stops taking calls, lets calls in flight finish, then closes Redis.
 */
public final class ServiceHost implements AutoCloseable {
    private static final Logger LOG = System.getLogger(ServiceHost.class.getName());

    private final String name;
    private final GrpcServerHost grpc;
    private final ObserveServer observe;
    private final UnifiedJedis redis;
    /** One thread per periodic task: a long run of one (a backlog) never holds up another. */
    private final List<ScheduledExecutorService> timers = new CopyOnWriteArrayList<>();
    private final List<Runnable> closers = new CopyOnWriteArrayList<>();

    private ServiceHost(String name, GrpcServerHost grpc, ObserveServer observe, UnifiedJedis redis) {
        this.name = name;
        this.grpc = grpc;
        this.observe = observe;
        this.redis = redis;
    }

    /**
     * Starts the servers.
     *
     * @param name     the service's name, for logs
     * @param settings reads {@code grpc.port}, {@code observe.port} and {@code grpc.tls.*} ({@link GrpcTls})
     * @param redis    the service's Redis client; owned by the host from now on
     * @param services the domain gRPC services
     */
    public static ServiceHost start(String name, Settings settings, UnifiedJedis redis, List<BindableService> services) {
        List<HealthCheck> checks = List.of(new RedisReadiness(redis));
        GrpcServerHost grpc = GrpcServerHost.start(settings.port("grpc.port"), services, GrpcTls.from(settings));
        ObserveServer observe;
        try {
            observe = ObserveServer.start(settings.port("observe.port"), checks, true);
        } catch (RuntimeException e) {
            grpc.close();
            throw e;
        }
        LOG.log(Level.INFO, name + " up: gRPC on port " + grpc.port() + ", health and metrics on port " + observe.port());
        return new ServiceHost(name, grpc, observe, redis);
    }

    /**
     * A service's {@code main}: loads its settings ({@link Settings#load}), configures
     * logging from {@code LOG_LEVEL} and {@code LOG_FORMAT} and tracing from
     * {@code OTEL_EXPORTER_OTLP_ENDPOINT} ({@link Tracing}), starts it, and closes it when the JVM is asked to stop.
     * A bad setting ends the process with a message that names it.
     *
     * @param service the service's name, which also names its defaults file
     * @param start   starts the service from settings
     */
    public static void runMain(String service, Function<Settings, ? extends AutoCloseable> start) {
        useNettyBufferCachesOnEventLoopsOnly();
        try {
            Settings settings = Settings.load(service);
            Logging.configure(settings.string("log.level", null), settings.string("log.format", null));
            Tracing.configure(service, settings);
            AutoCloseable running = start.apply(settings);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    running.close();
                } catch (Exception e) {
                    LOG.log(Level.WARNING, service + " did not stop cleanly: " + e);
                } finally {
                    Tracing.shutdown(); // exports the spans still buffered
                }
            }, service + "-shutdown"));
        } catch (IllegalArgumentException e) {
            System.err.println(service + ": bad configuration: " + e.getMessage());
            System.exit(2);
        } catch (RuntimeException e) {
            System.err.println(service + ": failed to start: " + e.getMessage());
            System.exit(1);
        }
    }

    /**
     * Runs {@code task} every {@code period} until the host closes; a failing run is logged
     * and the next one still happens. A run of failures (Redis down, say) is logged once when
     * it starts and once when it ends, however short the period.
     */
    public ServiceHost every(Duration period, String name, Runnable task) {
        int[] failedRuns = {0}; // touched by this task's own timer thread only
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("timer-" + name.replace(' ', '-')).daemon().factory());
        timers.add(timer);
        timer.scheduleAtFixedRate(() -> {
            try {
                task.run();
                if (failedRuns[0] > 0) {
                    LOG.log(Level.INFO, name + " works again after " + failedRuns[0] + " failed run(s)");
                    failedRuns[0] = 0;
                }
            } catch (RuntimeException e) {
                if (failedRuns[0]++ == 0) {
                    LOG.log(Level.WARNING, name + " failed (" + e.getClass().getSimpleName()
                            + "); retrying every " + period.toMillis() + " ms");
                }
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * Runs {@code closer} when the host closes, after the gRPC server has stopped taking calls
     * and before Redis closes: for what the service's calls use, e.g. its channels to other
     * services.
     */
    public ServiceHost onClose(Runnable closer) {
        closers.add(closer);
        return this;
    }

    /** The gRPC port. */
    public int grpcPort() {
        return grpc.port();
    }

    /** The health and metrics port. */
    public int observePort() {
        return observe.port();
    }

    @Override
    public void close() {
        timers.forEach(ScheduledExecutorService::shutdownNow);
        grpc.close();
        observe.close();
        closers.forEach(Runnable::run);
        redis.close();
        LOG.log(Level.INFO, name + " stopped");
    }

    /**
     * grpc-java's (shaded) Netty allocator gives every thread that writes a gRPC message a
     * buffer cache of its own. Calls run on virtual threads here, one per call and one per
     * client connection in the gateway, so each would build (and an idle connection keep) a
     * cache: only Netty's own event-loop threads keep one. Must run before Netty loads; an
     * explicit {@code -D} setting wins.
     */
    static void useNettyBufferCachesOnEventLoopsOnly() {
        String key = "io.grpc.netty.shaded.io.netty.allocator.useCacheForAllThreads";
        if (System.getProperty(key) == null) {
            System.setProperty(key, "false");
        }
    }
}
