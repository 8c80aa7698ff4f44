package io.sup.realtime.platform.grpc.multiplex;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;

/**
 * A gRPC name that resolves to two local servers, as a Kubernetes headless service resolves
 * to its pods: {@code twoservers:///<n>}, registered once with grpc-java's default registry.
 */
final class TwoServers extends NameResolverProvider {
    private static final TwoServers INSTANCE = new TwoServers();
    private static final AtomicInteger NAMES = new AtomicInteger();
    private final Map<String, List<Integer>> ports = new ConcurrentHashMap<>();

    static {
        NameResolverRegistry.getDefaultRegistry().register(INSTANCE);
    }

    /** A target resolving to localhost:{@code first} and localhost:{@code second}. */
    static String target(int first, int second) {
        String name = "n" + NAMES.incrementAndGet();
        INSTANCE.ports.put(name, List.of(first, second));
        return "twoservers:///" + name;
    }

    @Override
    protected boolean isAvailable() {
        return true;
    }

    @Override
    protected int priority() {
        return 5;
    }

    @Override
    public String getDefaultScheme() {
        return "twoservers";
    }

    @Override
    public NameResolver newNameResolver(URI target, NameResolver.Args args) {
        if (!"twoservers".equals(target.getScheme())) {
            return null;
        }
        List<Integer> resolved = ports.get(target.getPath().substring(1));
        return new NameResolver() {
            @Override
            public String getServiceAuthority() {
                return "localhost";
            }

            @Override
            public void start(Listener2 listener) {
                listener.onResult(ResolutionResult.newBuilder()
                        .setAddresses(resolved.stream()
                                .map(port -> new EquivalentAddressGroup(new InetSocketAddress("127.0.0.1", port)))
                                .toList())
                        .build());
            }

            @Override
            public void shutdown() {
            }
        };
    }
}
