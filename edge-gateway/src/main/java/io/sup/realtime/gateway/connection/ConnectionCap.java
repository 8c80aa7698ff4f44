package io.sup.realtime.gateway.connection;

import java.lang.management.ManagementFactory;

import com.sun.management.UnixOperatingSystemMXBean;

/**
 * How many client connections one gateway holds at once. Every connection is a file
 * descriptor, and a process that runs out of them cannot accept any more: Helidon 4.2's
 * accept loop then stops for good. So the gateway stops accepting (new connections wait in
 * the kernel's backlog, then time out) before the open-file limit is reached, keeping
 * {@link #RESERVED_FILES} (a quarter of a smaller limit) for Redis, gRPC, health probes and the
 * JVM's own files.
 */
public final class ConnectionCap {
    /** Descriptors kept back from clients. */
    public static final int RESERVED_FILES = 1024;

    private ConnectionCap() {
    }

    /**
     * The cap to apply.
     *
     * @param configured    {@code GATEWAY_MAX_CONNECTIONS}; 0 for as many as the open-file limit allows
     * @param openFileLimit the process's open-file limit ({@code RLIMIT_NOFILE}), Long.MAX_VALUE if unknown
     * @return the configured cap, lowered to what the open-file limit allows; at least 1
     */
    public static int effective(int configured, long openFileLimit) {
        // A small limit keeps a quarter back rather than all of it: 1,024 files gives 768 connections.
        long reserve = Math.min(RESERVED_FILES, openFileLimit / 4);
        long allowed = Math.max(1, Math.min(Integer.MAX_VALUE, openFileLimit - reserve));
        return (int) (configured > 0 ? Math.min(configured, allowed) : allowed);
    }

    /** This process's open-file limit, or Long.MAX_VALUE where the platform does not say. */
    public static long openFileLimit() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount() : Long.MAX_VALUE;
    }
}
