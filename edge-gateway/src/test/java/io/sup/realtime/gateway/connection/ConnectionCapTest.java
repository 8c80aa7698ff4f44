package io.sup.realtime.gateway.connection;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionCapTest {
    @Test
    void automaticCapLeavesReservedFilesFree() {
        assertEquals(20_000 - ConnectionCap.RESERVED_FILES, ConnectionCap.effective(0, 20_000));
    }

    @Test
    void configuredCapIsKeptWhenTheFileLimitAllowsIt() {
        assertEquals(5_000, ConnectionCap.effective(5_000, 20_000));
    }

    @Test
    void configuredCapIsLoweredToTheFileLimit() {
        assertEquals(20_000 - ConnectionCap.RESERVED_FILES, ConnectionCap.effective(50_000, 20_000));
    }

    @Test
    void aSmallFileLimitKeepsAQuarterBack() {
        assertEquals(768, ConnectionCap.effective(0, 1_024));
        assertEquals(450, ConnectionCap.effective(0, 600));
    }

    @Test
    void aTinyFileLimitStillAllowsOneConnection() {
        assertEquals(1, ConnectionCap.effective(0, 1));
    }

    @Test
    void anUnknownFileLimitLeavesTheConfiguredCap() {
        assertEquals(7, ConnectionCap.effective(7, Long.MAX_VALUE));
        assertEquals(Integer.MAX_VALUE, ConnectionCap.effective(0, Long.MAX_VALUE));
    }

    @Test
    void thisProcessHasAFileLimit() {
        assertTrue(ConnectionCap.openFileLimit() > 0);
    }
}
