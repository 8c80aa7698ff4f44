package io.sup.realtime.platform.telemetry;

import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import io.helidon.logging.common.HelidonMdc;

/**
 * The context of the event or call a thread is handling, as Helidon MDC entries that every
 * log line of that thread carries (the JSON log format prints them) and that outgoing gRPC
 * calls pass on: {@value #REQUEST_ID} (one per client event in the gateway, carried to the
 * services as {@code x-request-id} metadata) and {@value #CONNECTION_ID} (the gateway's
 * client connection). Never a token or message content.
 */
public final class RequestContext {
    /** MDC key and JSON log field of the request id. */
    public static final String REQUEST_ID = "requestId";
    /** MDC key and JSON log field of the gateway's connection id. */
    public static final String CONNECTION_ID = "connectionId";

    /** What a request id taken from a peer may look like: anything else is replaced. */
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private RequestContext() {
    }

    /** A new random request id: 16 hex digits. */
    public static String newRequestId() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }

    /** {@code candidate} when it is a safe id (1-64 of {@code [A-Za-z0-9._:-]}), else a new one. */
    public static String acceptRequestId(String candidate) {
        return candidate != null && SAFE.matcher(candidate).matches() ? candidate : newRequestId();
    }

    /** The current thread's request id, if it handles one. */
    public static Optional<String> requestId() {
        return HelidonMdc.get(REQUEST_ID);
    }

    /**
     * Puts {@code requestId} (and {@code connectionId}, when not null) on the current thread
     * until the returned scope closes, which removes them.
     */
    public static Scope open(String requestId, String connectionId) {
        HelidonMdc.set(REQUEST_ID, requestId);
        if (connectionId != null) {
            HelidonMdc.set(CONNECTION_ID, connectionId);
        }
        return SCOPE;
    }

    private static final Scope SCOPE = () -> {
        HelidonMdc.remove(REQUEST_ID);
        HelidonMdc.remove(CONNECTION_ID);
    };

    /** Closes without a checked exception, for try-with-resources. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
