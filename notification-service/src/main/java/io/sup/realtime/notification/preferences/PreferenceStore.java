package io.sup.realtime.notification.preferences;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.sup.realtime.notification.NotificationKeys;
import io.sup.realtime.platform.limits.RateCheck;
import io.sup.realtime.platform.limits.RateLimiter;
import io.sup.realtime.platform.redis.LuaScript;
import redis.clients.jedis.UnifiedJedis;

/**
 * Preferences in one hash per user ({@link NotificationKeys#preferences}): field
 * {@code mute:<chat>} -> muted until (ms; 0: until unmuted), field {@code dnd} -> the window.
 * Bounded: at most a configured number of muted chats (expired mutes are dropped first). The
 * key never expires: preferences outlive any notification.
 */
public final class PreferenceStore {
    private static final LuaScript CHANGE = LuaScript.fromResources(PreferenceStore.class, RateLimiter.PRELUDE,
            "/lua/preferences.lua");
    private static final String MUTE = "mute:";
    private static final String DND = "dnd";

    private final UnifiedJedis redis;
    private final int maxMutedChats;

    /**
     * @param redis         notification-service's Redis
     * @param maxMutedChats most chats one user may have muted at a time
     */
    public PreferenceStore(UnifiedJedis redis, int maxMutedChats) {
        this.redis = redis;
        this.maxMutedChats = maxMutedChats;
    }

    /** A user's preferences now (mutes that ran out are left out). */
    public Preferences read(String userId, Instant now) {
        return decode(redis.hgetAll(NotificationKeys.preferences(userId)), now);
    }

    /** The result of a change: the preferences after it, or a refusal. */
    public sealed interface Changed {
        /** Done. */
        record Done(Preferences preferences) implements Changed {
        }

        /** The user already has the most muted chats allowed. */
        record TooManyMutes() implements Changed {
        }

        /** The rate limit refused. */
        record RateLimited(long retryAfterMs) implements Changed {
        }
    }

    /** Mutes {@code chatId} until {@code until} (empty: until unmuted). */
    public Changed mute(String userId, String chatId, Optional<Instant> until, RateCheck check, Instant now) {
        return change(userId, check, now, "set", MUTE + chatId, Long.toString(until.map(Instant::toEpochMilli).orElse(0L)));
    }

    /** Unmutes {@code chatId} (idempotent). */
    public Changed unmute(String userId, String chatId, RateCheck check, Instant now) {
        return change(userId, check, now, "del", MUTE + chatId, "");
    }

    /** Sets the do-not-disturb window, or removes it when empty. */
    public Changed doNotDisturb(String userId, Optional<DoNotDisturb> window, RateCheck check, Instant now) {
        return window.map(w -> change(userId, check, now, "set", DND, w.encode()))
                .orElseGet(() -> change(userId, check, now, "del", DND, ""));
    }

    /** The preferences without any change, with the rate check (for the client event). */
    public Changed read(String userId, RateCheck check, Instant now) {
        return change(userId, check, now, "get", "", "");
    }

    private Changed change(String userId, RateCheck check, Instant now, String op, String field, String value) {
        List<?> reply = (List<?>) CHANGE.run(redis, check.keys(List.of(NotificationKeys.preferences(userId))),
                check.args(List.of(Long.toString(now.toEpochMilli()), Integer.toString(maxMutedChats), op, field, value)));
        if (!reply.isEmpty() && reply.getFirst() instanceof Long code) {
            return code == -2 ? new Changed.RateLimited((Long) reply.get(1)) : new Changed.TooManyMutes();
        }
        Map<String, String> fields = new java.util.HashMap<>();
        for (int i = 0; i + 1 < reply.size(); i += 2) {
            fields.put((String) reply.get(i), (String) reply.get(i + 1));
        }
        return new Changed.Done(decode(fields, now));
    }

    private static Preferences decode(Map<String, String> fields, Instant now) {
        TreeMap<String, Optional<Instant>> mutes = new TreeMap<>();
        Optional<DoNotDisturb> dnd = Optional.empty();
        for (Map.Entry<String, String> field : fields.entrySet()) {
            if (field.getKey().startsWith(MUTE)) {
                long until = Long.parseLong(field.getValue());
                if (until == 0 || until > now.toEpochMilli()) {
                    mutes.put(field.getKey().substring(MUTE.length()),
                            until == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(until)));
                }
            } else if (field.getKey().equals(DND)) {
                dnd = Optional.of(DoNotDisturb.decode(field.getValue()));
            }
        }
        return new Preferences(mutes, dnd);
    }
}
