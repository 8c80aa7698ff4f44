package io.sup.realtime.notification.push;

import java.util.Set;
import java.util.regex.Pattern;

import io.sup.realtime.notification.ClientEvent;
import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.ids.Ids;
import io.sup.realtime.platform.limits.RateCheck;
import io.sup.realtime.platform.limits.RateLimiter;

/** Push registrations as users (or backends for them) make them: {@code push:register}, {@code push:unregister}. */
public final class PushDevices {
    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]{1,4096}");

    private final PushRegistrations registrations;
    private final Set<String> providers;
    private final RateLimiter limiter;

    /**
     * @param registrations where registrations are kept
     * @param providers     the names of the configured providers
     * @param limiter       per-user limits of the client events
     */
    public PushDevices(PushRegistrations registrations, Set<String> providers, RateLimiter limiter) {
        this.registrations = registrations;
        this.providers = Set.copyOf(providers);
        this.limiter = limiter;
    }

    /**
     * Registers (or replaces) a device's token.
     *
     * @throws ServiceException INVALID_ARGUMENT for a malformed device id or token, or a
     *     provider not configured here; FAILED_PRECONDITION when the user has the most devices
     *     allowed; RESOURCE_EXHAUSTED when rate limited
     */
    public void register(PushDevice device) {
        requireDeviceId(device.deviceId());
        if (!providers.contains(device.provider())) {
            throw ServiceException.invalidArgument(providers.isEmpty() ? "push is not configured on this server"
                    : "provider must be one of " + String.join(", ", providers.stream().sorted().toList()));
        }
        if (!TOKEN.matcher(device.token()).matches()) {
            throw ServiceException.invalidArgument("token must be 1-4096 printable ASCII characters");
        }
        RateCheck check = limiter.check(device.userId(), ClientEvent.PUSH_REGISTER);
        switch (registrations.register(device, check)) {
            case PushRegistrations.Changed.Done d -> {
            }
            case PushRegistrations.Changed.TooManyDevices t ->
                    throw ServiceException.failedPrecondition("too many push devices: unregister one first");
            case PushRegistrations.Changed.RateLimited r -> throw check.refused(r.retryAfterMs());
        }
    }

    /**
     * Removes a device's registration; idempotent.
     *
     * @return whether one was removed
     * @throws ServiceException INVALID_ARGUMENT for a malformed device id; RESOURCE_EXHAUSTED when rate limited
     */
    public boolean unregister(String userId, String deviceId) {
        requireDeviceId(deviceId);
        RateCheck check = limiter.check(userId, ClientEvent.PUSH_UNREGISTER);
        return switch (registrations.unregister(userId, deviceId, check)) {
            case PushRegistrations.Changed.Done d -> d.changed();
            case PushRegistrations.Changed.TooManyDevices t -> throw new IllegalStateException("not a registration");
            case PushRegistrations.Changed.RateLimited r -> throw check.refused(r.retryAfterMs());
        };
    }

    private static void requireDeviceId(String deviceId) {
        if (!Ids.isValid(deviceId)) {
            throw ServiceException.invalidArgument("deviceId must be 1-" + Ids.MAX_LENGTH
                    + " characters of A-Z a-z 0-9 _ . : @ -");
        }
    }
}
