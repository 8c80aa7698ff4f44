package io.sup.realtime.tools;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Token lifetimes: the accepted forms, and every kind of bad value refused with a message. */
class TtlTest {
    @ParameterizedTest
    @CsvSource({
            "24h, PT24H",
            "30m, PT30M",
            "3600s, PT1H",
            "3600, PT1H",
            "7d, PT168H",
            "1s, PT1S",
            "' 15M ', PT15M",
            "3650d, PT87600H"})
    void parsesNumberWithUnit(String text, String expected) {
        assertEquals(Duration.parse(expected), Ttl.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "h", "abc", "24x", "1.5h", "-5m", "+5m", "0", "0s", "0h", "24 h", "PT1H",
            "3651d", "999999999999d", "1234567890123"})
    void refusesBadValues(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ttl.parse(text));
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
    }

    @Test
    void refusesNull() {
        assertThrows(IllegalArgumentException.class, () -> Ttl.parse(null));
    }

    @ParameterizedTest
    @CsvSource({"PT24H, 1d", "PT25H, 25h", "PT30M, 30m", "PT90S, 90s", "PT1H, 1h"})
    void formatsInTheLargestWholeUnit(String duration, String expected) {
        assertEquals(expected, Ttl.format(Duration.parse(duration)));
    }
}
