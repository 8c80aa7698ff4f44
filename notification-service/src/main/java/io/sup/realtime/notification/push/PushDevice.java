package io.sup.realtime.notification.push;

/**
 * One device a user registered for push ({@code push:register}).
 *
 * @param userId   the owner
 * @param deviceId the device, as the client names it
 * @param provider the {@link PushProvider#name()} that reaches it, e.g. {@code webhook}
 * @param token    the provider's device token; secret: never logged
 */
public record PushDevice(String userId, String deviceId, String provider, String token) {
    @Override
    public String toString() {
        return "PushDevice[" + userId + "/" + deviceId + " via " + provider + "]"; // no token
    }
}
