package io.sup.realtime.gateway.ws;

import java.util.Optional;

import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsSession;
import io.sup.realtime.gateway.protocol.FrameException;
import io.sup.realtime.gateway.protocol.NativeCodec;
import io.sup.realtime.gateway.session.ClientSessions;

/**
 * One native-protocol connection at {@code /ws}. Reads the token from {@code ?token=} or
 * {@code Authorization: Bearer} at the upgrade (or later from an {@code auth} event) and
 * hands each decoded event to {@link ClientSessions}.
 */
public final class NativeWsListener extends FramedWsListener {
    private final NativeCodec codec;
    private String token;
    private String deviceId;

    /**
     * @param sessions        connection lifecycle
     * @param codec           the native protocol
     * @param maxMessageBytes largest text message, in UTF-8 bytes, after joining fragments
     * @param origins         the upgrade's Origin rule
     */
    public NativeWsListener(ClientSessions sessions, NativeCodec codec, int maxMessageBytes, OriginPolicy origins) {
        super(sessions, maxMessageBytes, origins);
        this.codec = codec;
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) {
        handshake(headers);
        token = handshakeToken(prologue, headers);
        deviceId = prologue.query().first("deviceId").filter(d -> !d.isBlank()).orElse(null);
        return Optional.empty();
    }

    /** The token of a handshake: {@code ?token=}, else {@code Authorization: Bearer}; null when neither. */
    static String handshakeToken(HttpPrologue prologue, Headers headers) {
        return prologue.query().first("token").filter(t -> !t.isBlank())
                .or(() -> headers.first(HeaderNames.AUTHORIZATION)
                        .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                        .map(h -> h.substring(7).trim())
                        .filter(t -> !t.isEmpty()))
                .orElse(null);
    }

    @Override
    public void onOpen(WsSession session) {
        connection = sessions.open(session, codec, token, deviceId, clientAddress(session));
        token = null; // not kept beyond authentication
    }

    @Override
    protected void onText(String text) {
        try {
            sessions.onEvent(connection, codec.decode(text));
        } catch (FrameException e) {
            sessions.frameError(connection, e.getMessage());
        }
    }
}
