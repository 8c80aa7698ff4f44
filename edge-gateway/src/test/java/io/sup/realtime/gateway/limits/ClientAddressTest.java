package io.sup.realtime.gateway.limits;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

import com.google.common.net.InetAddresses;
import io.sup.realtime.platform.config.Settings;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CIDR sets, and which address counts as the client's behind trusted proxies. */
class ClientAddressTest {
    private static InetAddress ip(String literal) {
        return InetAddresses.forString(literal);
    }

    private static InetSocketAddress peer(String literal) {
        return new InetSocketAddress(ip(literal), 40000);
    }

    @Test
    void cidrBlocksMatchTheirAddressesOnly() {
        AddressSet set = AddressSet.parse(List.of("10.0.0.0/8", "192.168.1.0/25", "2001:db8::/32", "203.0.113.9"));
        assertTrue(set.contains(ip("10.255.0.1")));
        assertTrue(set.contains(ip("192.168.1.127")));
        assertFalse(set.contains(ip("192.168.1.128")));
        assertTrue(set.contains(ip("2001:db8:1::5")));
        assertFalse(set.contains(ip("2001:db9::1")));
        assertTrue(set.contains(ip("203.0.113.9")));
        assertFalse(set.contains(ip("203.0.113.10")));
        AddressSet loopback = AddressSet.parse(List.of("loopback"));
        assertTrue(loopback.contains(ip("127.0.0.1")) && loopback.contains(ip("::1")));
        assertFalse(loopback.contains(ip("10.0.0.1")));
    }

    @Test
    void namesAndBadPrefixesAreRefusedWithoutALookup() {
        assertThrows(IllegalArgumentException.class, () -> AddressSet.parse(List.of("example.com")));
        assertThrows(IllegalArgumentException.class, () -> AddressSet.parse(List.of("10.0.0.0/33")));
        assertThrows(IllegalArgumentException.class, () -> AddressSet.parse(List.of("10.0.0.0/x")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConnectionLimits.from(
                Settings.of("edge-gateway", Map.of("jwt.secret", "s", "gateway.trusted.proxies", "10.0.0.0/8,nope"))));
        assertTrue(e.getMessage().contains("gateway.trusted.proxies") && e.getMessage().contains("GATEWAY_TRUSTED_PROXIES"),
                e.getMessage());
    }

    @Test
    void withoutTrustedProxiesThePeerIsTheClientWhateverTheHeaderSays() {
        assertEquals(ip("198.51.100.4"),
                ClientAddress.resolve(peer("198.51.100.4"), List.of("203.0.113.7"), AddressSet.NONE).orElseThrow());
    }

    @Test
    void behindTrustedProxiesTheNearestUntrustedHopIsTheClient() {
        AddressSet proxies = AddressSet.parse(List.of("10.0.0.0/8"));
        // client -> 10.1.1.1 (proxy) -> 10.2.2.2 (proxy) -> us; the client forged the first entry.
        assertEquals(ip("203.0.113.7"), ClientAddress.resolve(peer("10.2.2.2"),
                List.of("6.6.6.6, 203.0.113.7", "10.1.1.1"), proxies).orElseThrow());
        // Every hop trusted: the leftmost is the best we know.
        assertEquals(ip("10.1.1.1"), ClientAddress.resolve(peer("10.2.2.2"), List.of("10.1.1.1"), proxies).orElseThrow());
        // A malformed hop ends the trust: the peer counts.
        assertEquals(ip("10.2.2.2"), ClientAddress.resolve(peer("10.2.2.2"), List.of("203.0.113.7, garbage"), proxies)
                .orElseThrow());
        // Ports and brackets, as some proxies write them.
        assertEquals(ip("203.0.113.7"), ClientAddress.resolve(peer("10.2.2.2"), List.of("203.0.113.7:5555"), proxies).orElseThrow());
        assertEquals(ip("2001:db8::7"), ClientAddress.resolve(peer("10.2.2.2"), List.of("[2001:db8::7]:5555"), proxies).orElseThrow());
        // A peer that is not a trusted proxy: its header means nothing.
        assertEquals(ip("198.51.100.4"), ClientAddress.resolve(peer("198.51.100.4"), List.of("203.0.113.7"), proxies).orElseThrow());
    }
}
