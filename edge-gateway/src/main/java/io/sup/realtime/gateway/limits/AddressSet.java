package io.sup.realtime.gateway.limits;

import java.net.InetAddress;
import java.util.List;

import com.google.common.net.InetAddresses;

/**
 * A set of IP addresses given as CIDR blocks (RFC 4632; IPv6 as in RFC 4291 section 2.3), e.g.
 * {@code 127.0.0.0/8, ::1/128, 10.0.0.0/8}, or as single addresses. The word {@code loopback}
 * stands for {@code 127.0.0.0/8} and {@code ::1}.
 */
public final class AddressSet {
    /** The empty set. */
    public static final AddressSet NONE = new AddressSet(List.of());

    private final List<Block> blocks;

    private AddressSet(List<Block> blocks) {
        this.blocks = blocks;
    }

    /**
     * Parses a list of blocks.
     *
     * @param items CIDR blocks, single addresses (numeric only: names are not resolved) or {@code loopback}
     * @throws IllegalArgumentException naming the first item that is not one
     */
    public static AddressSet parse(List<String> items) {
        return new AddressSet(items.stream()
                .flatMap(item -> "loopback".equalsIgnoreCase(item)
                        ? List.of(Block.parse("127.0.0.0/8"), Block.parse("::1/128")).stream()
                        : List.of(Block.parse(item)).stream())
                .toList());
    }

    /** Whether {@code address} is in one of the blocks. */
    public boolean contains(InetAddress address) {
        if (address == null) {
            return false;
        }
        byte[] bytes = address.getAddress();
        for (Block block : blocks) {
            if (block.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the set is empty. */
    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    private record Block(byte[] network, int prefixBits) {
        static Block parse(String text) {
            String item = text.trim();
            int slash = item.indexOf('/');
            String host = slash < 0 ? item : item.substring(0, slash);
            byte[] network = numeric(host, text);
            int bits = network.length * 8;
            int prefix = bits;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(item.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > bits) {
                    throw new IllegalArgumentException("'" + text + "' has a prefix length outside 0-" + bits);
                }
            }
            return new Block(network, prefix);
        }

        private static byte[] numeric(String host, String text) {
            // Literals only: InetAddress.getByName would look a name up in DNS.
            if (!InetAddresses.isInetAddress(host)) {
                throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block");
            }
            return InetAddresses.forString(host).getAddress();
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int whole = prefixBits / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefixBits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest) & 0xff;
            return (address[whole] & mask) == (network[whole] & mask);
        }
    }
}
