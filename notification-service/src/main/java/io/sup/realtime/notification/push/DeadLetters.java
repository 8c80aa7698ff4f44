package io.sup.realtime.notification.push;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.sup.realtime.notification.NotificationKeys;
import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.redis.StreamCursor;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The pushes given up on: a capped Redis stream, {@link NotificationKeys#deadLetters()}, read by
 * operators through {@code NotificationAdminService.ListDeadLetters}.
 *
 * <p>One entry per push, fields {@code pushId}, {@code userId}, {@code deviceId},
 * {@code provider}, {@code notificationId}, {@code attempts}, {@code error} and {@code at}
 * (ms since the epoch). Never the token: it is not written, and an error that quotes it has it
 * replaced by {@code <token>}. Bounded: each {@code XADD} trims to about {@code maxEntries}
 * ({@code MAXLEN ~}: Redis trims whole internal nodes, so a few more than that may stay).
 */
public final class DeadLetters {
    /** Most dead letters in one {@link #list} page. */
    public static final int MAX_PAGE = 1_000;
    /** The default bound, {@code notif.push.dead.max.entries}. */
    public static final int DEFAULT_MAX_ENTRIES = 10_000;
    /** Longest error kept, in characters; longer ones are cut. */
    static final int MAX_ERROR = 256;

    private final UnifiedJedis redis;
    private final int maxEntries;
    private final Clock clock;

    /**
     * @param redis      notification-service's Redis
     * @param maxEntries about how many dead letters to keep, at least 1
     * @param clock      when a push is given up on
     */
    public DeadLetters(UnifiedJedis redis, int maxEntries, Clock clock) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1");
        }
        this.redis = redis;
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    /**
     * Appends {@code message}'s dead letter (one {@code XADD ... MAXLEN ~ maxEntries}).
     *
     * @param message the push given up on
     * @param failed  how it ended
     * @return the new record's id
     * @throws redis.clients.jedis.exceptions.JedisException when Redis cannot be reached
     */
    public String record(PushMessage message, PushOutcome.Failed failed) {
        PushDevice device = message.device();
        StreamEntryID id = redis.xadd(NotificationKeys.deadLetters(),
                XAddParams.xAddParams().maxLen(maxEntries).approximateTrimming(), Map.of(
                        "pushId", message.pushId(),
                        "userId", device.userId(),
                        "deviceId", device.deviceId(),
                        "provider", device.provider(),
                        "notificationId", message.notificationId(),
                        "attempts", Integer.toString(failed.attempts()),
                        "error", withoutToken(failed.error(), device.token()),
                        "at", Long.toString(clock.millis())));
        return id.toString();
    }

    /**
     * Dead letters recorded after {@code after}, oldest first.
     *
     * @param after a {@link DeadLetter#id}; empty: from the oldest kept
     * @param limit 1-{@value #MAX_PAGE}
     * @throws ServiceException INVALID_ARGUMENT for a malformed cursor or a limit out of range
     */
    public List<DeadLetter> list(Optional<String> after, int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw ServiceException.invalidArgument("limit must be 1-" + MAX_PAGE);
        }
        return StreamCursor.startAfter(after.orElse(""), "a dead letter's id")
                .map(start -> redis.xrange(NotificationKeys.deadLetters(), start, "+", limit).stream()
                        .map(DeadLetters::decode).toList())
                .orElse(List.of());
    }

    private static DeadLetter decode(StreamEntry entry) {
        Map<String, String> f = entry.getFields();
        return new DeadLetter(entry.getID().toString(), f.get("pushId"), f.get("userId"), f.get("deviceId"),
                f.get("provider"), f.get("notificationId"), Integer.parseInt(f.getOrDefault("attempts", "0")),
                f.getOrDefault("error", ""), Instant.ofEpochMilli(Long.parseLong(f.getOrDefault("at", "0"))));
    }

    /** {@code error} with any copy of the token replaced, cut to {@value #MAX_ERROR} characters. */
    static String withoutToken(String error, String token) {
        String safe = error == null ? "" : error;
        if (token != null && !token.isEmpty()) {
            safe = safe.replace(token, "<token>");
        }
        if (safe.length() <= MAX_ERROR) {
            return safe;
        }
        int end = Character.isHighSurrogate(safe.charAt(MAX_ERROR - 1)) ? MAX_ERROR - 1 : MAX_ERROR;
        return safe.substring(0, end);
    }
}
