package io.sup.realtime.gateway.health;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

import io.sup.realtime.platform.config.Settings;
import io.sup.realtime.platform.grpc.GrpcReadiness;

/**
 * Which gRPC services the gateway's readiness waits for, and how they are probed (see
 * {@link GrpcReadiness} for the rule; docs/METRICS.md).
 *
 * @param services the services whose probes count ({@code GATEWAY_READINESS_SERVICES}, default all four)
 * @param probes   probe interval, deadline and failures in a row before DOWN
 *                 ({@code GATEWAY_READINESS_PROBE_INTERVAL_MS} 2000, {@code GATEWAY_READINESS_PROBE_TIMEOUT_MS} 1000,
 *                 {@code GATEWAY_READINESS_PROBE_FAILURES} 3)
 */
public record ReadinessSettings(Set<Dependency> services, GrpcReadiness.Policy probes) {
    /** The services the gateway calls, by their setting's name. */
    public enum Dependency { MESSAGING, PRESENCE, CALLS, NOTIFICATIONS }

    /** Defensive copy. */
    public ReadinessSettings {
        services = services.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(services));
    }

    /** Reads {@code gateway.readiness.*}; an unknown service name is refused with the known ones. */
    public static ReadinessSettings from(Settings s) {
        Set<Dependency> services = EnumSet.noneOf(Dependency.class);
        for (String name : s.list("gateway.readiness.services")) {
            services.add(s.parsed("gateway.readiness.services", ignored -> {
                try {
                    return Dependency.valueOf(name.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("'" + name + "' is not one of messaging, presence, calls, notifications");
                }
            }));
        }
        return new ReadinessSettings(services, new GrpcReadiness.Policy(s.millis("gateway.readiness.probe.interval.ms"),
                s.millis("gateway.readiness.probe.timeout.ms"), s.intInRange("gateway.readiness.probe.failures", 1, 1_000)));
    }
}
