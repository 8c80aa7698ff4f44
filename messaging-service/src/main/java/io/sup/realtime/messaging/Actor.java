package io.sup.realtime.messaging;

/**
 * Who performs a user-facing operation: the authenticated user, the device, and the
 * connection the request came through (its own events are acked there, not delivered).
 *
 * @param userId       the user (JWT {@code sub})
 * @param deviceId     the device
 * @param connectionId the gateway connection, {@code <instance>.<n>}
 */
public record Actor(String userId, String deviceId, String connectionId) {
}
