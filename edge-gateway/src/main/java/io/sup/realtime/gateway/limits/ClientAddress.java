package io.sup.realtime.gateway.limits;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Optional;

import com.google.common.net.InetAddresses;

/**
 * The address a connection comes from, for limits and logs: the TCP peer, or, when the peer
 * is a configured trusted proxy, the nearest address in {@code X-Forwarded-For} that is not
 * one (read from the right, the way nginx's {@code real_ip_recursive} and Express's
 * {@code trust proxy} do: entries left of an untrusted hop may be forged by the client).
 */
public final class ClientAddress {
    private ClientAddress() {
    }

    /**
     * @param peer           the TCP peer
     * @param forwardedFor   every {@code X-Forwarded-For} header value, in order (empty when none)
     * @param trustedProxies proxies whose {@code X-Forwarded-For} entries count
     * @return the client's address, or empty when the peer is not an IP socket
     */
    public static Optional<InetAddress> resolve(SocketAddress peer, List<String> forwardedFor, AddressSet trustedProxies) {
        if (!(peer instanceof InetSocketAddress socket) || socket.getAddress() == null) {
            return Optional.empty();
        }
        InetAddress client = socket.getAddress();
        if (trustedProxies.isEmpty() || !trustedProxies.contains(client)) {
            return Optional.of(client);
        }
        List<String> hops = forwardedFor.stream()
                .flatMap(value -> List.of(value.split(",")).stream())
                .map(String::trim)
                .filter(hop -> !hop.isEmpty())
                .toList();
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<InetAddress> hop = literal(hops.get(i));
            if (hop.isEmpty()) {
                return Optional.of(client); // a malformed hop: trust nothing left of it
            }
            client = hop.get();
            if (!trustedProxies.contains(client)) {
                return Optional.of(client);
            }
        }
        return Optional.of(client);
    }

    /** A numeric IPv4 or IPv6 address (brackets, and a port after IPv4, allowed); never a DNS lookup. */
    static Optional<InetAddress> literal(String hop) {
        String host = hop;
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            host = end > 0 ? host.substring(1, end) : "";
        } else if (host.indexOf(':') > 0 && host.indexOf(':') == host.lastIndexOf(':')) {
            host = host.substring(0, host.indexOf(':'));
        }
        return InetAddresses.isInetAddress(host) ? Optional.of(InetAddresses.forString(host)) : Optional.empty();
    }
}
