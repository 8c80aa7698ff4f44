package io.sup.realtime.platform.grpc;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;
import io.sup.realtime.platform.observe.LatencyTimers;

/**
 * The meters of one side of gRPC calls ({@code grpc.server} or {@code grpc.client}), named
 * as grpc-ecosystem's go-grpc-prometheus names them so that existing dashboards read them:
 * {@code <side>.handled{grpc_service, grpc_method, grpc_code}} (Prometheus
 * {@code grpc_server_handled_total}) counts calls by final status, and
 * {@code <side>.handling{grpc_service, grpc_method}} ({@code grpc_server_handling_seconds})
 * times them. Each method's meters are looked up once, each status's counter at its first use.
 */
final class GrpcCallMeters {
    private final String side;
    private final ConcurrentHashMap<String, Method> methods = new ConcurrentHashMap<>();

    /** @param side {@code grpc.server} or {@code grpc.client} */
    GrpcCallMeters(String side) {
        this.side = side;
    }

    /** The meters of {@code method}. */
    Method of(MethodDescriptor<?, ?> method) {
        Method found = methods.get(method.getFullMethodName());
        return found != null ? found : methods.computeIfAbsent(method.getFullMethodName(),
                name -> new Method(side, method.getServiceName(), method.getBareMethodName()));
    }

    /** One method's timer and its counters by status code. */
    static final class Method {
        private static final Status.Code[] CODES = Status.Code.values();

        private final String side;
        private final List<Tag> tags;
        private final Timer timer;
        private final AtomicReferenceArray<Counter> handled = new AtomicReferenceArray<>(CODES.length);

        private Method(String side, String service, String method) {
            this.side = side;
            this.tags = List.of(Tag.create("grpc_service", String.valueOf(service)), Tag.create("grpc_method", String.valueOf(method)));
            this.timer = LatencyTimers.timer(side + ".handling",
                    "gRPC calls' time from start to final status, by method", tags);
        }

        /** A call ended with {@code code} after {@code nanos}. */
        void record(Status.Code code, long nanos) {
            timer.record(nanos, TimeUnit.NANOSECONDS);
            Counter counter = handled.get(code.ordinal());
            if (counter == null) {
                counter = Metrics.globalRegistry().getOrCreate(Counter.builder(side + ".handled")
                        .description("gRPC calls completed, by method and final status code")
                        .tags(List.of(tags.get(0), tags.get(1), Tag.create("grpc_code", code.name()))));
                handled.set(code.ordinal(), counter);
            }
            counter.increment();
        }
    }
}
