package io.sup.realtime.notification.notifications;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.sup.realtime.notification.NotificationKeys;
import io.sup.realtime.platform.limits.RateCheck;
import io.sup.realtime.platform.limits.RateLimiter;
import io.sup.realtime.platform.redis.LuaScript;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * Each user's notifications in Redis ({@code notif:{<user>}:...}, see {@code lua/notif.lua}):
 * bounded per user in count and age (the oldest go first), with the badge kept in the same
 * scripts so that it is one read, and versioned: every change of the badge raises its
 * version, which acks and events carry, so a device keeps the newest of what it hears by two
 * paths. Every script runs on the user's slot.
 */
public final class NotificationStore {
    private static final LuaScript CREATE = LuaScript.fromResources(NotificationStore.class, "/lua/notif.lua",
            "/lua/create.lua");
    private static final LuaScript MARK_READ = LuaScript.fromResources(NotificationStore.class, RateLimiter.PRELUDE,
            "/lua/notif.lua", "/lua/mark_read.lua");
    private static final LuaScript CLEAR = LuaScript.fromResources(NotificationStore.class, RateLimiter.PRELUDE,
            "/lua/notif.lua", "/lua/clear.lua");
    private static final LuaScript PENDING = LuaScript.fromResources(NotificationStore.class, RateLimiter.PRELUDE,
            "/lua/notif.lua", "/lua/pending.lua");
    private static final long REFUSED = -2;
    private static final long UNKNOWN = -1;

    private final UnifiedJedis redis;
    private final int maxPerUser;
    private final Duration retention;

    /**
     * @param redis      notification-service's Redis
     * @param maxPerUser most notifications kept per user
     * @param retention  how long a notification is kept
     */
    public NotificationStore(UnifiedJedis redis, int maxPerUser, Duration retention) {
        this.redis = redis;
        this.maxPerUser = maxPerUser;
        this.retention = retention;
    }

    /** What {@link #create} did. */
    public enum Outcome { CREATED, REPEATED, COLLAPSED }

    /**
     * The result of {@link #create}.
     *
     * @param notification the notification as stored now (its id, count and the badge after it)
     * @param outcome      whether it is new, the source's earlier one, or an unread one it collapsed into
     */
    public record Created(Notification notification, Outcome outcome) {
    }

    /**
     * Stores {@code draft} for {@code userId} (one script): unless {@code sourceKey} made one
     * before, and collapsed into the user's unread notification of {@code collapseChat} if
     * there is one.
     *
     * @param newId          the id a new notification gets
     * @param countsForBadge whether, while unread, it counts for the badge
     * @param sourceKey      the source's idempotency key, empty for none
     * @param collapseChat   the chat whose unread notification it collapses into, empty for none
     */
    public Created create(String userId, String newId, Notification draft, boolean countsForBadge, String sourceKey,
                          String collapseChat) {
        List<String> keys = new ArrayList<>(userKeys(userId));
        keys.addAll(List.of(NotificationKeys.sources(userId), NotificationKeys.sourceTimes(userId),
                NotificationKeys.collapsed(userId)));
        List<byte[]> args = List.of(bytes(newId), bytes(Long.toString(draft.createdAt().toEpochMilli())),
                NotificationCodec.encode(draft), bytes(countsForBadge ? "1" : "0"), bytes(sourceKey),
                bytes(collapseChat), bytes(Integer.toString(maxPerUser)), bytes(Long.toString(retention.toMillis())));
        List<?> reply = (List<?>) CREATE.runBinary(redis, keys.stream().map(NotificationStore::bytes).toList(), args);
        String id = text(reply.get(0));
        Outcome outcome = switch ((int) (long) (Long) reply.get(1)) {
            case 1 -> Outcome.CREATED;
            case 2 -> Outcome.COLLAPSED;
            default -> Outcome.REPEATED;
        };
        int badge = (int) (long) (Long) reply.get(2);
        int count = (int) (long) (Long) reply.get(3);
        long version = (Long) reply.get(4);
        Notification stored = outcome == Outcome.REPEATED ? find(userId, id).map(n -> n.withState(id, n.read(),
                n.count(), badge, version)).orElse(draft.withState(id, false, count, badge, version))
                : draft.withState(id, false, count, badge, version);
        return new Created(stored, outcome);
    }

    /**
     * One notification with its state now (badge: the user's badge now), if the user has it.
     * One round trip.
     */
    public Optional<Notification> find(String userId, String id) {
        Response<byte[]> data;
        Response<Boolean> unread;
        Response<String> count;
        Response<Long> badge;
        Response<String> version;
        try (AbstractPipeline pipeline = redis.pipelined()) {
            data = pipeline.hget(bytes(NotificationKeys.data(userId)), bytes(id));
            unread = pipeline.sismember(NotificationKeys.unread(userId), id);
            count = pipeline.hget(NotificationKeys.counts(userId), id);
            badge = pipeline.scard(NotificationKeys.badge(userId));
            version = pipeline.get(NotificationKeys.badgeVersion(userId));
            pipeline.sync();
        }
        if (data.get() == null) {
            return Optional.empty();
        }
        return Optional.of(NotificationCodec.decode(id, data.get(), !unread.get(),
                count.get() == null ? 1 : Integer.parseInt(count.get()), (int) (long) badge.get(),
                version.get() == null ? 0 : Long.parseLong(version.get())));
    }

    /** The user's badge: unread notifications that count for it. */
    public int badge(String userId) {
        return (int) redis.scard(NotificationKeys.badge(userId));
    }

    /** The result of a script that answers a badge or one of three refusals. */
    public sealed interface Change {
        /** Done: the badge now, how many notifications changed, and the badge's version. */
        record Done(int badge, int changed, long badgeVersion) implements Change {
        }

        /** An id (its index in the request) that is not one of the user's: nothing changed. */
        record Unknown(int index) implements Change {
        }

        /** The rate limit refused. */
        record RateLimited(long retryAfterMs) implements Change {
        }
    }

    /** Marks {@code ids} read (one script); see {@code mark_read.lua}. */
    public Change markRead(String userId, List<String> ids, RateCheck check, long nowMs) {
        List<String> args = new ArrayList<>(List.of(Long.toString(nowMs), Integer.toString(maxPerUser),
                Long.toString(retention.toMillis())));
        args.addAll(ids);
        return change(MARK_READ.run(redis, check.keys(userKeys(userId)), check.args(args)));
    }

    /** Deletes one notification, or every one when {@code id} is empty (one script); see {@code clear.lua}. */
    public Change clear(String userId, String id, RateCheck check, long nowMs) {
        List<String> keys = new ArrayList<>(userKeys(userId));
        keys.add(NotificationKeys.collapsed(userId));
        return change(CLEAR.run(redis, check.keys(keys), check.args(List.of(Long.toString(nowMs),
                Integer.toString(maxPerUser), Long.toString(retention.toMillis()), id))));
    }

    private static Change change(Object result) {
        List<?> reply = (List<?>) result;
        long first = (Long) reply.get(0);
        long second = (Long) reply.get(1);
        if (first == REFUSED) {
            return new Change.RateLimited(second);
        }
        if (first == UNKNOWN) {
            return new Change.Unknown((int) second - 1);
        }
        return new Change.Done((int) first, (int) second, (Long) reply.get(2));
    }

    /** A page of {@link #page}: newest first; {@code hasMore} when older ones follow; the badge and its version now. */
    public record Page(List<Notification> notifications, boolean hasMore, int badge, long badgeVersion) {
    }

    /** The result of {@link #page}. */
    public sealed interface PageResult {
        /** The page. */
        record Found(Page page) implements PageResult {
        }

        /** {@code before} is not one of the user's current notifications. */
        record UnknownCursor() implements PageResult {
        }

        /** The rate limit refused. */
        record RateLimited(long retryAfterMs) implements PageResult {
        }
    }

    /** Up to {@code limit} notifications older than {@code before} (empty: the newest), one script. */
    public PageResult page(String userId, String before, int limit, RateCheck check, long nowMs) {
        List<byte[]> keys = check.keys(userKeys(userId)).stream().map(NotificationStore::bytes).toList();
        List<byte[]> args = check.args(List.of(Long.toString(nowMs), Long.toString(retention.toMillis()),
                Integer.toString(limit + 1), before, Integer.toString(maxPerUser))).stream()
                .map(NotificationStore::bytes).toList();
        List<?> reply = (List<?>) PENDING.runBinary(redis, keys, args);
        long first = (Long) reply.getFirst();
        if (first == REFUSED) {
            return new PageResult.RateLimited((Long) reply.get(1));
        }
        if (first == UNKNOWN) {
            return new PageResult.UnknownCursor();
        }
        int badge = (int) first;
        long version = (Long) reply.get(1);
        List<Notification> page = new ArrayList<>();
        for (int i = 2; i + 3 < reply.size() && page.size() < limit; i += 4) {
            String id = text(reply.get(i));
            page.add(NotificationCodec.decode(id, (byte[]) reply.get(i + 1), "1".equals(text(reply.get(i + 2))),
                    Integer.parseInt(text(reply.get(i + 3))), badge, version));
        }
        boolean hasMore = (reply.size() - 2) / 4 > limit;
        return new PageResult.Found(new Page(List.copyOf(page), hasMore, badge, version));
    }

    private static List<String> userKeys(String userId) {
        return List.of(NotificationKeys.items(userId), NotificationKeys.data(userId), NotificationKeys.unread(userId),
                NotificationKeys.badge(userId), NotificationKeys.counts(userId), NotificationKeys.removed(userId),
                NotificationKeys.badgeVersion(userId));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Object reply) {
        return reply instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(reply);
    }
}
