package io.sup.realtime.platform.grpc.multiplex;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Attributes;
import io.grpc.BindableService;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.sup.realtime.proto.multiplex.v1.MultiplexGrpc;

/**
 * The server end of {@code sup.multiplex.v1.Multiplex} (multiplex.proto): runs each call a
 * stream carries through the unary method it names, as the server's own definitions
 * (interceptors included) would run it had it come directly, one handler on {@code handlers}
 * per call, under a context with the call's deadline.
 *
 * <p>The stream's own callbacks run on the transport's thread ({@link #callExecutor}): reading
 * a request only starts its handler, so there is one thread hand-off per call, as for a direct
 * one. {@link #drain} is the start of a shutdown (after the server's GOAWAY): every stream
 * answers the calls it has not started {@code not_run} (UNAVAILABLE, for the client to send
 * them again on a new stream, which goes to another server) and ends with {@code OK} once
 * those it runs are answered, so no call is cut off.
 */
public final class MultiplexService implements BindableService {
    /**
     * Set ({@code true}) in the attributes of every call a stream carries: its trailers travel in
     * the stream's message ({@code MultiplexedResponse}), so they are bounded by
     * {@link MultiplexChannel#MAX_MESSAGE_BYTES} rather than by a client's limit on HTTP/2
     * metadata (8 KiB by default in grpc-java).
     */
    public static final Attributes.Key<Boolean> MULTIPLEXED = Attributes.Key.create("sup.multiplexed");
    static final Attributes CALL_ATTRIBUTES = Attributes.newBuilder().set(MULTIPLEXED, Boolean.TRUE).build();

    private final Map<String, ServerMethodDefinition<?, ?>> methods;
    private final Executor handlers;
    private final Set<ServerExchange> open = ConcurrentHashMap.newKeySet();
    private volatile boolean draining;

    /**
     * @param services the definitions calls are run through, as the server serves them
     *                 (intercepted); only their unary methods can be multiplexed
     * @param handlers runs each call's handler (a virtual thread per call)
     */
    public MultiplexService(List<ServerServiceDefinition> services, Executor handlers) {
        Map<String, ServerMethodDefinition<?, ?>> unary = new HashMap<>();
        for (ServerServiceDefinition service : services) {
            for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
                if (method.getMethodDescriptor().getType() == MethodDescriptor.MethodType.UNARY) {
                    unary.put(method.getMethodDescriptor().getFullMethodName(), method);
                }
            }
        }
        this.methods = Map.copyOf(unary);
        this.handlers = handlers;
    }

    @Override
    public ServerServiceDefinition bindService() {
        return ServerServiceDefinition.builder(MultiplexGrpc.getServiceDescriptor())
                .addMethod(MultiplexGrpc.getExchangeMethod(), (call, headers) -> {
                    ServerExchange exchange = new ServerExchange(call, this);
                    open.add(exchange);
                    if (draining) {
                        exchange.drain();
                    }
                    return exchange;
                })
                .build();
    }

    /**
     * For the server builder: the Exchange streams' callbacks on the transport's thread (they
     * never block), every other call's on the server's executor.
     */
    public ServerCallExecutorSupplier callExecutor() {
        return new ServerCallExecutorSupplier() {
            @Override
            public <Q, R> Executor getExecutor(ServerCall<Q, R> call, Metadata metadata) {
                return call.getMethodDescriptor().equals(MultiplexGrpc.getExchangeMethod())
                        ? MoreExecutors.directExecutor() : null;
            }
        };
    }

    /** Stops starting calls: each stream ends once the calls it runs are answered. */
    public void drain() {
        draining = true;
        open.forEach(ServerExchange::drain);
    }

    /** The unary method named {@code fullName}, or null. */
    ServerMethodDefinition<?, ?> method(String fullName) {
        return methods.get(fullName);
    }

    Executor handlers() {
        return handlers;
    }

    void ended(ServerExchange exchange) {
        open.remove(exchange);
    }
}
