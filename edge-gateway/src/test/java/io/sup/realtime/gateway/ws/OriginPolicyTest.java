package io.sup.realtime.gateway.ws;

import java.util.Map;
import java.util.Set;

import io.sup.realtime.platform.config.Settings;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CORS_ORIGIN as browsers will match it, and values that would lock everyone out or in. */
class OriginPolicyTest {
    @Test
    void originsAreKeptAsBrowsersSendThem() {
        assertEquals(Set.of("https://app.example.com", "http://localhost:8080", "http://web.example.com"),
                OriginPolicy.parse("HTTPS://App.Example.com:443, http://localhost:8080, http://web.example.com:80"));
        assertEquals(Set.of(), OriginPolicy.parse("*"));
    }

    @Test
    void blankPathsAndMixedStarAreRefusedNamingTheVariable() {
        for (String bad : new String[] {"", " , ", "*,https://x.example", "https://x.example/", "x.example", "https://x.example?q"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OriginPolicy.from(
                    Settings.of("edge-gateway", Map.of("jwt.secret", "s", "cors.origin", bad))), bad);
            assertTrue(e.getMessage().contains("CORS_ORIGIN"), e.getMessage());
        }
    }
}
