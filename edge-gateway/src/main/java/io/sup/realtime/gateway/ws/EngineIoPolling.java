package io.sup.realtime.gateway.ws;

import java.util.Map;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.sup.realtime.gateway.protocol.NativeCodec;

/**
 * Plain HTTP requests to {@code /socket.io/}: Engine.IO's HTTP long-polling transport, which
 * this gateway does not serve. They get Engine.IO's own error response (HTTP 400,
 * {@code {"code":0,"message":"Transport unknown"}}, as an Engine.IO server answers an
 * unsupported transport) with a message saying what to do instead.
 */
public final class EngineIoPolling {
    /** Engine.IO's error code for an unknown transport. */
    static final int TRANSPORT_UNKNOWN = 0;

    private EngineIoPolling() {
    }

    /** Answers a polling request. */
    public static void refuse(ServerRequest request, ServerResponse response) {
        response.status(Status.BAD_REQUEST_400)
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .send(NativeCodec.object(Map.of("code", TRANSPORT_UNKNOWN, "message",
                        "Transport unknown: this server speaks only the websocket transport; "
                                + "connect with io(url, { transports: ['websocket'] })")));
    }
}
