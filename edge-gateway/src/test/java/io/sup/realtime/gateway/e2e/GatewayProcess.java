package io.sup.realtime.gateway.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.sup.realtime.gateway.Main;
import io.sup.realtime.gateway.auth.TestTokens;
import io.sup.realtime.platform.testing.RedisServerExtension;

/**
 * A gateway in a JVM of its own (the gateway's {@code main}, on the test's class path), for
 * tests that kill it for real: SIGKILL sends no close frame, no report, runs no shutdown hook.
 */
final class GatewayProcess {
    private GatewayProcess() {
    }

    /**
     * Starts instance {@code gw-doomed} on {@code port} against the test's Redis and the
     * messaging-service at {@code messagingPort}, the default timings unless {@code env}
     * (environment variables, e.g. {@code PRESENCE_GRPC_TARGET}) says otherwise. Its output
     * goes to a temporary file.
     */
    static Process start(RedisServerExtension redis, int port, int messagingPort, Map<String, String> env) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = Files.createTempFile("doomed-gateway", ".log");
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", classPath, Main.class.getName())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> all = new HashMap<>(Map.of(
                "PORT", Integer.toString(port), "METRICS_PORT", "0", "GATEWAY_ADMIN_GRPC_PORT", "0",
                "REDIS_URL", redis.urlSetting(), "JWT_SECRET", TestTokens.SECRET,
                "MESSAGING_GRPC_TARGET", "localhost:" + messagingPort, "PRESENCE_GRPC_TARGET", TestSystem.NO_PRESENCE,
                "CALLS_GRPC_TARGET", TestSystem.NO_CALLS, "GATEWAY_INSTANCE_ID", "gw-doomed",
                "RATE_LIMIT_EXEMPT_ADDRESSES", "loopback"));
        all.put("REDIS_CLUSTER", redis.clusterSetting());
        all.putAll(env);
        builder.environment().putAll(all);
        Process process = builder.start();
        log.toFile().deleteOnExit();
        return process;
    }
}
