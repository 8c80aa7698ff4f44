package io.sup.realtime.gateway.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one JSON reader and writer for what clients send and what the gateway writes itself:
 * strict about trailing content (one frame, one JSON value). Thread-safe once configured.
 *
 * <p>Jackson's default recycles its parse buffers (about 16 KB of char and byte arrays) in a
 * thread-local; every connection reads on its own virtual thread, so each idle connection
 * would keep a set alive. A shared pool holds only as many sets as are in use at once.
 */
public final class ClientJson {
    /** Shared by every connection. */
    public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.newConcurrentDequePool()).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * The compact JSON text of {@code node}, written with {@link #MAPPER}. ({@code
     * JsonNode.toString()} would use Jackson's internal mapper, whose thread-local buffers
     * each connection's thread would keep.)
     */
    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree is always writable", e);
        }
    }

    private ClientJson() {
    }
}
