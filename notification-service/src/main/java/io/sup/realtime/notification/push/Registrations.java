package io.sup.realtime.notification.push;

/**
 * Where {@link PushDelivery} removes a registration whose provider said its token is dead
 * ({@link PushOutcome.TokenInvalid}). Implemented by the store that keeps the registrations
 * ({@code NotificationKeys.devices(user)}).
 */
@FunctionalInterface
public interface Registrations {
    /**
     * Removes {@code userId}'s registration of {@code deviceId}, but only while its stored token
     * is still {@code token}: a device that registered a new token while the push was under way
     * keeps it. Idempotent: a registration already gone is no error.
     *
     * @param userId   the owner
     * @param deviceId the device
     * @param token    the token the provider refused (secret: never log it)
     * @throws RuntimeException when the store cannot be reached (e.g. Redis down); the
     *     {@link PushDelivery#deliver} future then fails with it
     */
    void remove(String userId, String deviceId, String token);
}
