package io.sup.realtime.gateway.ws;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.sup.realtime.gateway.connection.ClientConnection;
import io.sup.realtime.gateway.connection.CloseCode;
import io.sup.realtime.gateway.session.ClientSessions;

/**
 * What every wire protocol's WebSocket listener does the same way (one listener per
 * connection): joins fragmented text messages up to the size limit, answers WebSocket pings
 * through the connection's single writer, counts any inbound frame as a sign of life,
 * refuses binary messages, and reports the end of the connection. Subclasses decode whole
 * text messages.
 */
abstract class FramedWsListener implements WsListener {
    private static final HeaderName X_FORWARDED_FOR = HeaderNames.create("X-Forwarded-For");
    /** Connection lifecycle shared by the protocols. */
    protected final ClientSessions sessions;
    private final int maxMessageBytes;
    private final OriginPolicy origins;
    private List<String> forwardedFor = List.of();
    /** Set in {@code onOpen}. */
    protected ClientConnection connection;
    private StringBuilder fragments;
    private long fragmentBytes;
    private long binaryBytes;

    /**
     * @param sessions        connection lifecycle
     * @param maxMessageBytes largest text message, in UTF-8 bytes, after joining fragments
     * @param origins         whether an upgrade without {@code Origin} is refused
     */
    FramedWsListener(ClientSessions sessions, int maxMessageBytes, OriginPolicy origins) {
        this.sessions = sessions;
        this.maxMessageBytes = maxMessageBytes;
        this.origins = origins;
    }

    /**
     * The upgrade's checks and facts every protocol shares: the {@code Origin} rule (403), and
     * the {@code X-Forwarded-For} hops, for the client address.
     */
    protected final void handshake(Headers headers) {
        origins.checkPresent(headers);
        forwardedFor = headers.all(X_FORWARDED_FOR, List::of);
    }

    /** The client's address: the TCP peer, or a trusted proxy's {@code X-Forwarded-For} entry. */
    protected final Optional<InetAddress> clientAddress(WsSession session) {
        return sessions.clientAddress(session.socketContext().remotePeer().address(), forwardedFor);
    }

    /** One whole text message from the client. */
    protected abstract void onText(String text);

    @Override
    public final void onMessage(WsSession session, String text, boolean last) {
        if (connection.out().isClosing()) {
            return;
        }
        connection.touched();
        if (fragments == null && last) {
            onText(text);
            return;
        }
        if (fragments == null) {
            fragments = new StringBuilder();
            fragmentBytes = 0;
        }
        fragments.append(text);
        fragmentBytes += utf8Length(text);
        if (fragmentBytes > maxMessageBytes) {
            fragments = null;
            connection.out().close(CloseCode.TOO_BIG, "message larger than " + maxMessageBytes + " bytes");
            return;
        }
        if (last) {
            String whole = fragments.toString();
            fragments = null;
            onText(whole);
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
    public final void onMessage(WsSession session, BufferData buffer, boolean last) {
        if (connection.out().isClosing()) {
            return;
        }
        connection.touched();
        binaryBytes += buffer.available();
        if (binaryBytes > maxMessageBytes) {
            binaryBytes = 0;
            connection.out().close(CloseCode.TOO_BIG, "message larger than " + maxMessageBytes + " bytes");
            return;
        }
        if (last) {
            binaryBytes = 0;
            sessions.frameError(connection, "binary frames are not supported: send JSON text frames");
        }
    }

    @Override
    public final void onPing(WsSession session, BufferData buffer) {
        connection.touched();
        connection.out().pong(buffer.copy());
    }

    @Override
    public final void onPong(WsSession session, BufferData buffer) {
        connection.touched();
    }

    @Override
    public final void onClose(WsSession session, int status, String reason) {
        if (connection != null) {
            sessions.closed(connection);
        }
    }

    @Override
    public final void onError(WsSession session, Throwable t) {
        if (connection != null) {
            sessions.closed(connection);
        }
    }
}
