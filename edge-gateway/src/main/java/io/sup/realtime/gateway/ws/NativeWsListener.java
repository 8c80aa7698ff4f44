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
    private long fragmentBytes;

    /**
     * @param sessions         connection lifecycle
     * @param maxMessageLength largest text message, in UTF-8 bytes, after joining fragments
     */
    public NativeWsListener(ClientSessions sessions, int maxMessageLength) {
        this.sessions = sessions;
        this.maxMessageLength = maxMessageLength;
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) {
        token = prologue.query().first("token").filter(t -> !t.isBlank()).orElse(null);
        deviceId = prologue.query().first("deviceId").filter(d -> !d.isBlank()).orElse(null);
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
            fragmentBytes = 0;
        }
        fragments.append(text);
        fragmentBytes += utf8Length(text);
        if (fragmentBytes > maxMessageLength) {
            fragments = null;
            connection.out().close(CloseCode.TOO_BIG, "message larger than " + maxMessageLength + " bytes");
            return;
        }
        if (last) {
            String whole = fragments.toString();
            fragments = null;
            sessions.onText(connection, whole);
        }
    }

    /** UTF-8 length of {@code s}, without encoding it. */
    static long utf8Length(CharSequence s) {
        long bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    @Override
    public void onMessage(WsSession session, BufferData buffer, boolean last) {
        if (last) {
            sessions.onBinary(connection);
        }
    }

    @Override
    public void onPing(WsSession session, BufferData buffer) {
        connection.touched();
        connection.out().pong(buffer.copy());
    }

    @Override
    public void onPong(WsSession session, BufferData buffer) {
        connection.touched();
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
