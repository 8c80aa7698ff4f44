package io.sup.realtime.notification.push;

import java.util.List;
import java.util.Map;

import io.sup.realtime.notification.NotificationKeys;
import io.sup.realtime.platform.limits.RateCheck;
import io.sup.realtime.platform.limits.RateLimiter;
import io.sup.realtime.platform.redis.LuaScript;
import redis.clients.jedis.UnifiedJedis;

/**
 * The devices each user registered for push: one hash per user ({@link NotificationKeys#devices},
 * device id -> {@code <provider>\n<token>}), at most a configured number of devices. The key
 * never expires: a registration lasts until the user removes it or its provider calls the
 * token invalid.
 */
public final class PushRegistrations {
    private static final LuaScript DEVICES = LuaScript.fromResources(PushRegistrations.class, RateLimiter.PRELUDE,
            "/lua/devices.lua");
    private static final LuaScript REMOVE_IF_TOKEN = LuaScript.fromResource(PushRegistrations.class,
            "/lua/remove_if_token.lua");

    private final UnifiedJedis redis;
    private final int maxDevices;

    /**
     * @param redis      notification-service's Redis
     * @param maxDevices most devices one user may register
     */
    public PushRegistrations(UnifiedJedis redis, int maxDevices) {
        this.redis = redis;
        this.maxDevices = maxDevices;
    }

    /** The result of a change. */
    public sealed interface Changed {
        /** Done: whether anything changed. */
        record Done(boolean changed) implements Changed {
        }

        /** The user has the most devices allowed already. */
        record TooManyDevices() implements Changed {
        }

        /** The rate limit refused. */
        record RateLimited(long retryAfterMs) implements Changed {
        }
    }

    /** Registers (or replaces) a device's push token. */
    public Changed register(PushDevice device, RateCheck check) {
        return run(check.keys(List.of(NotificationKeys.devices(device.userId()))),
                check.args(List.of("set", device.deviceId(), device.provider() + "\n" + device.token(),
                        Integer.toString(maxDevices))));
    }

    /** Removes a device's registration (idempotent). */
    public Changed unregister(String userId, String deviceId, RateCheck check) {
        return run(check.keys(List.of(NotificationKeys.devices(userId))),
                check.args(List.of("del", deviceId, "", Integer.toString(maxDevices))));
    }

    /**
     * Removes a registration whose provider called its token invalid, only if it still has
     * that token (the device may have registered a new one meanwhile).
     *
     * @return whether it was removed
     */
    public boolean removeIfToken(String userId, String deviceId, String token) {
        return (Long) REMOVE_IF_TOKEN.run(redis, List.of(NotificationKeys.devices(userId)), List.of(deviceId, token))
                == 1;
    }

    /** The user's registered devices, sorted by device id. */
    public List<PushDevice> devices(String userId) {
        Map<String, String> all = redis.hgetAll(NotificationKeys.devices(userId));
        return all.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(e -> {
            int newline = e.getValue().indexOf('\n');
            return new PushDevice(userId, e.getKey(), e.getValue().substring(0, newline),
                    e.getValue().substring(newline + 1));
        }).toList();
    }

    private Changed run(List<String> keys, List<String> args) {
        List<?> reply = (List<?>) DEVICES.run(redis, keys, args);
        long code = (Long) reply.getFirst();
        if (code == -2) {
            return new Changed.RateLimited((Long) reply.get(1));
        }
        if (code == -1) {
            return new Changed.TooManyDevices();
        }
        return new Changed.Done(code == 1);
    }
}
