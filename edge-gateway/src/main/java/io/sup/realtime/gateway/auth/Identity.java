package io.sup.realtime.gateway.auth;

/**
 * Who a connection authenticated as.
 *
 * @param userId   JWT {@code sub} (or the original's {@code userId} claim when {@code sub} is absent)
 * @param deviceId JWT {@code deviceId} claim, else the handshake's {@code deviceId}, else generated
 */
public record Identity(String userId, String deviceId) {
}
