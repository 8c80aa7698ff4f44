package io.sup.realtime.calls;

import java.util.List;

import io.sup.realtime.platform.config.Settings;
import io.sup.realtime.platform.redis.RedisSettings;
import io.sup.realtime.platform.service.ServiceHost;

/**
 * call-signaling-service: serves the standard gRPC health service on its gRPC port and Helidon health
 * (readiness = its Redis answers) and metrics on its observe port. Its domain API arrives
 * with its own issue; until then the gateway answers the call-signaling events {@code UNIMPLEMENTED}.
 */
public final class Main {
    private Main() {
    }

    /** Starts the service and keeps it up until the process is stopped. */
    public static void main(String[] args) {
        ServiceHost.runMain("call-signaling-service", Main::start);
    }

    /** Starts the service with {@code settings}; tests call this with their own ports. */
    public static ServiceHost start(Settings settings) {
        return ServiceHost.start("call-signaling-service", settings, RedisSettings.from(settings).newClient(), List.of());
    }
}
