package io.sup.realtime.gateway.protocol;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one JSON reader and writer for what clients send and what the gateway writes itself:
 * strict about trailing content (one frame, one JSON value). Thread-safe once configured.
 */
public final class ClientJson {
    /** Shared by every connection. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ClientJson() {
    }
}
