package io.sup.realtime.gateway.ws;

import java.util.Optional;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.sup.realtime.gateway.connection.ClientConnection;
import io.sup.realtime.gateway.connection.CloseCode;
import io.sup.realtime.gateway.protocol.NativeCodec;
import io.sup.realtime.gateway.session.ClientSessions;

/**
 * One native-protocol connection at {@code /ws} (a new listener per connection). Reads the
 * token from {@code ?token=} or {@code Authorization: Bearer} at the upgrade, joins
 * fragmented text messages up to the frame limit, answers pings through the connection's
 * writer, and hands everything else to {@link ClientSessions}.
 */
public final class NativeWsListener implements WsListener {
    private static final NativeCodec CODEC = new NativeCodec();

    private final ClientSessions sessions;
    private final int maxMessageLength;
    private String token;
    private String deviceId;
    private ClientConnection connection;
    private StringBuilder fragments;

    /**
     * @param sessions         connection lifecycle
     * @param maxMessageLength largest text message, in characters, after joining fragments
     */
    public NativeWsListener(ClientSessions sessions, int maxMessageLength) {
        this.sessions = sessions;
        this.maxMessageLength = maxMessageLength;
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) {
        token = prologue.query().first("token").orElse(null);
        deviceId = prologue.query().first("deviceId").orElse(null);
        if (token == null) {
            token = headers.first(HeaderNames.AUTHORIZATION)
                    .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                    .map(h -> h.substring(7).trim())
                    .orElse(null);
        }
        return Optional.empty();
    }

    @Override
    public void onOpen(WsSession session) {
        connection = sessions.open(session, CODEC, token, deviceId);
        token = null; // not kept beyond authentication
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        if (fragments == null && last) {
            sessions.onText(connection, text);
            return;
        }
        if (fragments == null) {
            fragments = new StringBuilder();
        }
        fragments.append(text);
        if (fragments.length() > maxMessageLength) {
            fragments = null;
            connection.out().close(CloseCode.TOO_BIG, "message larger than " + maxMessageLength + " characters");
            return;
        }
        if (last) {
            String whole = fragments.toString();
            fragments = null;
            sessions.onText(connection, whole);
        }
    }

    @Override
    public void onMessage(WsSession session, BufferData buffer, boolean last) {
        if (last) {
            sessions.onBinary(connection);
        }
    }

    @Override
    public void onPing(WsSession session, BufferData buffer) {
        connection.out().pong(buffer.copy());
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        if (connection != null) {
            sessions.closed(connection);
        }
    }

    @Override
    public void onError(WsSession session, Throwable t) {
        if (connection != null) {
            sessions.closed(connection);
        }
    }
}
