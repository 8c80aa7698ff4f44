package io.sup.realtime.gateway.ws;

import java.util.Map;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.sup.realtime.gateway.protocol.NativeCodec;

/**
 * HTTP requests to {@code /socket.io/} that no WebSocket endpoint took, answered with
 * Engine.IO's own error responses (HTTP 400 and {@code {"code", "message"}}, the codes of the
 * Engine.IO server, {@code engine.io/lib/server.ts}): a WebSocket upgrade of another protocol
 * version than 4 (which {@link SocketIoWsListener} refused) gets code 5, "Unsupported protocol
 * version"; anything else is Engine.IO's HTTP long-polling transport, which this gateway does
 * not serve, and gets code 0, "Transport unknown", with a message saying what to do instead.
 */
public final class EngineIoPolling {
    /** Engine.IO's error code for an unknown transport. */
    static final int TRANSPORT_UNKNOWN = 0;
    /** Engine.IO's error code for a protocol version it does not speak. */
    static final int UNSUPPORTED_PROTOCOL_VERSION = 5;

    private EngineIoPolling() {
    }

    /** Answers a request that did not become a Socket.IO connection. */
    public static void refuse(ServerRequest request, ServerResponse response) {
        boolean upgrade = request.headers().first(HeaderNames.UPGRADE).filter("websocket"::equalsIgnoreCase).isPresent();
        Map<String, Object> error = upgrade && !"4".equals(request.query().first("EIO").orElse(""))
                ? Map.of("code", UNSUPPORTED_PROTOCOL_VERSION, "message",
                        "Unsupported protocol version: Engine.IO 4 is required (socket.io-client 3.x or 4.x)")
                : Map.of("code", TRANSPORT_UNKNOWN, "message",
                        "Transport unknown: this server speaks only the websocket transport; "
                                + "connect with io(url, { transports: ['websocket'] })");
        response.status(Status.BAD_REQUEST_400)
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .send(NativeCodec.object(error));
    }
}
