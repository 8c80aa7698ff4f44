package io.sup.realtime.gateway.limits;

import io.sup.realtime.gateway.connection.CloseCode;
import io.sup.realtime.gateway.protocol.ErrorCode;

/** Whether a connection may go on, and if not, how it is told. */
public sealed interface Admission {
    /** Admitted. */
    Admission ADMITTED = new Admitted();

    /** The connection may go on. */
    record Admitted() implements Admission {
    }

    /**
     * Refused: the client gets {@code code} and {@code reason} (and {@code retryAfterMs} when
     * positive) in the protocol's refusal frame, then the connection closes with {@code close}.
     *
     * @param refusal what counts it in {@code gateway_connections_refused_total{reason}}
     */
    record Refused(CloseCode close, ErrorCode code, String reason, long retryAfterMs, String refusal) implements Admission {
    }
}
