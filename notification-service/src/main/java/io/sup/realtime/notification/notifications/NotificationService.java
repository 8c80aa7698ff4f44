package io.sup.realtime.notification.notifications;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;
import io.sup.realtime.notification.ClientEvent;
import io.sup.realtime.notification.preferences.PreferenceStore;
import io.sup.realtime.notification.preferences.Preferences;
import io.sup.realtime.notification.push.PushSchedule;
import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.ids.Ids;
import io.sup.realtime.platform.limits.RateCheck;
import io.sup.realtime.platform.limits.RateLimiter;

/**
 * Notifications: created by sources (messaging's outbox, missed calls, backends), stored per
 * user, told at once to the user's connected devices, and pushed to its registered devices
 * when none is connected — unless the priority is low, the chat is muted or do-not-disturb is
 * on (a mention breaks through both unless configured otherwise). Reads and clears keep the
 * badge and tell the user's other devices.
 */
public final class NotificationService {
    /** Longest title, in characters. */
    public static final int MAX_TITLE = 256;
    /** Longest body, in characters. */
    public static final int MAX_BODY = 1024;
    /** Most users in one creation. */
    public static final int MAX_USERS = 1000;
    /** Most ids in one {@code notification:read}. */
    public static final int MAX_READ_IDS = 100;
    /** Largest page of {@code notification:get-pending}. */
    public static final int MAX_PAGE = 200;
    private static final int DEFAULT_PAGE = 50;
    private static final int MAX_EXTRA = 16;
    private static final int MAX_EXTRA_VALUE = 1024;
    private static final int MAX_SOURCE_KEY = 256;
    private static final Pattern SOUND = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern EXTRA_KEY = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern SOURCE_KEY = Pattern.compile("[\\x21-\\x7e]{1," + MAX_SOURCE_KEY + "}");
    private static final Pattern NOTIFICATION_ID = Pattern.compile("[0-9a-f]{32}");

    private final NotificationStore store;
    private final PreferenceStore preferences;
    private final PushSchedule pushes;
    private final NotificationEvents events;
    private final RateLimiter limiter;
    private final Clock clock;
    private final Duration collapseWindow;
    private final boolean mentionsBreakMute;
    private final Map<NotificationType, Counter> created = createdCounters();
    private final Map<String, Counter> notPushed = notPushedCounters();

    /**
     * @param store             the users' notifications
     * @param preferences       mutes and do-not-disturb
     * @param pushes            where pushes wait for their burst to be sent
     * @param events            where connected devices are told
     * @param limiter           per-user limits of the client events
     * @param clock             time source
     * @param collapseWindow    how long a burst gathers before its push (not for high priority)
     * @param mentionsBreakMute whether a mention still counts for the badge and is pushed in a
     *                          muted chat or during do-not-disturb
     */
    public NotificationService(NotificationStore store, PreferenceStore preferences, PushSchedule pushes,
                               NotificationEvents events, RateLimiter limiter, Clock clock, Duration collapseWindow,
                               boolean mentionsBreakMute) {
        this.store = store;
        this.preferences = preferences;
        this.pushes = pushes;
        this.events = events;
        this.limiter = limiter;
        this.clock = clock;
        this.collapseWindow = collapseWindow;
        this.mentionsBreakMute = mentionsBreakMute;
    }

    /**
     * One user's result of {@link #create}.
     *
     * @param created false when the source key had made it before, or when it collapsed into
     *                the user's unread notification of the same chat (then that one is named)
     */
    public record Created(String userId, Notification notification, boolean created) {
    }

    /**
     * Creates {@code draft} for each user (each once, in order): stored, then
     * {@code notification:new} to the user's connected devices, or a push scheduled when none
     * is connected and the user's preferences allow. A notification of type {@code message}
     * collapses into the user's unread one of the same chat.
     *
     * @param sourceKey the source's idempotency key (e.g. {@code call:<callId>}), empty for none:
     *                  a repeat creates nothing and answers the first one
     * @throws ServiceException INVALID_ARGUMENT for no or too many users, a malformed user id,
     *     text over its bound, a malformed sound, data or source key
     */
    public List<Created> create(List<String> userIds, Draft draft, String sourceKey) {
        List<String> users = List.copyOf(new LinkedHashSet<>(userIds));
        if (users.isEmpty() || users.size() > MAX_USERS) {
            throw ServiceException.invalidArgument("user_ids must name 1-" + MAX_USERS + " users");
        }
        users.forEach(u -> requireId(u, "user id"));
        validate(draft, sourceKey);
        Instant now = Instant.ofEpochMilli(clock.millis());
        Priority priority = draft.priority().orElse(draft.type().defaultPriority());
        Notification content = new Notification("", draft.type(), priority, draft.title(), draft.body(), draft.sound(),
                draft.data(), now, false, 1, 0, 0);
        List<Created> results = new ArrayList<>(users.size());
        for (String user : users) {
            results.add(createFor(user, content, sourceKey, now));
        }
        return results;
    }

    private Created createFor(String userId, Notification content, String sourceKey, Instant now) {
        Preferences prefs = preferences.read(userId, now);
        boolean breaksThrough = content.type() == NotificationType.MENTION && mentionsBreakMute;
        boolean muted = content.hasChat() && prefs.isMuted(content.data().chatId(), now) && !breaksThrough;
        String collapseChat = content.type() == NotificationType.MESSAGE ? content.data().chatId() : "";
        NotificationStore.Created stored = store.create(userId, newId(), content, !muted, sourceKey, collapseChat);
        if (stored.outcome() == NotificationStore.Outcome.REPEATED) {
            return new Created(userId, stored.notification(), false);
        }
        Notification notification = stored.notification();
        created.get(content.type()).increment();
        boolean connected = events.created(userId, notification);
        String suppressed = connected ? "connected"
                : content.priority() == Priority.LOW ? "low_priority"
                : muted ? "muted"
                : prefs.inDoNotDisturb(now) && !breaksThrough ? "do_not_disturb"
                : "";
        if (suppressed.isEmpty()) {
            long due = now.toEpochMilli() + (content.priority() == Priority.HIGH ? 0 : collapseWindow.toMillis());
            pushes.add(userId, collapseKey(notification), notification.id(), due);
        } else {
            notPushed.get(suppressed).increment();
        }
        return new Created(userId, notification, stored.outcome() == NotificationStore.Outcome.CREATED);
    }

    /** Bursts collapse per chat (mentions, replies, messages of one chat: one push), else per notification. */
    private static String collapseKey(Notification n) {
        if (n.hasChat()) {
            return "chat:" + n.data().chatId();
        }
        return n.data().callId().isEmpty() ? "notification:" + n.id() : "call:" + n.data().callId();
    }

    /**
     * A page of the user's notifications, newest first ({@code notification:get-pending}).
     *
     * @param limit  1-{@value #MAX_PAGE}; 0 for 50
     * @param before a notification id: the page after it; empty for the newest
     * @throws ServiceException INVALID_ARGUMENT for a limit out of range or a {@code before}
     *     that is not one of the user's notifications; RESOURCE_EXHAUSTED when rate limited
     */
    public NotificationStore.Page page(String userId, int limit, String before) {
        int size = limit == 0 ? DEFAULT_PAGE : limit;
        if (size < 1 || size > MAX_PAGE) {
            throw ServiceException.invalidArgument("limit must be between 1 and " + MAX_PAGE);
        }
        if (!before.isEmpty() && !NOTIFICATION_ID.matcher(before).matches()) {
            throw ServiceException.invalidArgument("before is not one of your notifications");
        }
        RateCheck check = limiter.check(userId, ClientEvent.GET_PENDING);
        return switch (store.page(userId, before, size, check, clock.millis())) {
            case NotificationStore.PageResult.Found found -> found.page();
            case NotificationStore.PageResult.UnknownCursor u ->
                    throw ServiceException.invalidArgument("before is not one of your notifications");
            case NotificationStore.PageResult.RateLimited r -> throw check.refused(r.retryAfterMs());
        };
    }

    /**
     * Marks the user's notifications read ({@code notification:read}); the user's other
     * devices get {@code notification:badge} when something changed.
     *
     * @param ids 1-{@value #MAX_READ_IDS} ids; repeats count once
     * @return the badge after it (and how many were unread, and the badge's version)
     * @throws ServiceException INVALID_ARGUMENT for no or too many ids; NOT_FOUND for an id that
     *     is not the user's (nothing is marked); RESOURCE_EXHAUSTED when rate limited
     */
    public NotificationStore.Change.Done markRead(String userId, String connectionId, List<String> ids) {
        if (ids.isEmpty() || ids.size() > MAX_READ_IDS) {
            throw ServiceException.invalidArgument("name 1-" + MAX_READ_IDS + " notification ids");
        }
        List<String> unique = List.copyOf(new LinkedHashSet<>(ids));
        unique.forEach(NotificationService::requireWellFormedId);
        RateCheck check = limiter.check(userId, ClientEvent.READ);
        NotificationStore.Change.Done done = done(store.markRead(userId, unique, check, clock.millis()), unique, check);
        if (done.changed() > 0) {
            events.badgeChanged(userId, done, "read", unique, connectionId);
        }
        return done;
    }

    /**
     * Deletes one of the user's notifications ({@code notification:clear}); idempotent.
     *
     * @return the badge after it (and its version)
     * @throws ServiceException INVALID_ARGUMENT for a missing id; NOT_FOUND for an id that is
     *     not the user's; RESOURCE_EXHAUSTED when rate limited
     */
    public NotificationStore.Change.Done clear(String userId, String connectionId, String id) {
        requireWellFormedId(id);
        RateCheck check = limiter.check(userId, ClientEvent.CLEAR);
        NotificationStore.Change.Done done = done(store.clear(userId, id, check, clock.millis()), List.of(id), check);
        if (done.changed() > 0) {
            events.badgeChanged(userId, done, "clear", List.of(id), connectionId);
        }
        return done;
    }

    /**
     * Deletes every notification of the user ({@code notification:clear-all}); the badge is then 0.
     *
     * @return how many were deleted ({@code changed}), the badge and its version
     * @throws ServiceException RESOURCE_EXHAUSTED when rate limited
     */
    public NotificationStore.Change.Done clearAll(String userId, String connectionId) {
        RateCheck check = limiter.check(userId, ClientEvent.CLEAR_ALL);
        NotificationStore.Change.Done done = done(store.clear(userId, "", check, clock.millis()), List.of(), check);
        if (done.changed() > 0) {
            events.badgeChanged(userId, done, "clear-all", List.of(), connectionId);
        }
        return done;
    }

    private static NotificationStore.Change.Done done(NotificationStore.Change change, List<String> ids, RateCheck check) {
        return switch (change) {
            case NotificationStore.Change.Done d -> d;
            case NotificationStore.Change.Unknown u ->
                    throw ServiceException.notFound("no notification " + ids.get(u.index()));
            case NotificationStore.Change.RateLimited r -> throw check.refused(r.retryAfterMs());
        };
    }

    private static void requireWellFormedId(String id) {
        if (id.isEmpty()) {
            throw ServiceException.invalidArgument("notificationId is required");
        }
        if (!NOTIFICATION_ID.matcher(id).matches()) {
            throw ServiceException.notFound("no notification " + (id.length() > 64 ? id.substring(0, 64) + "..." : id));
        }
    }

    private static void validate(Draft draft, String sourceKey) {
        if (draft.title().length() > MAX_TITLE) {
            throw ServiceException.invalidArgument("title is longer than " + MAX_TITLE + " characters");
        }
        if (draft.body().length() > MAX_BODY) {
            throw ServiceException.invalidArgument("body is longer than " + MAX_BODY + " characters");
        }
        if (draft.title().isBlank() && draft.body().isBlank()) {
            throw ServiceException.invalidArgument("a notification needs a title or a body");
        }
        if (!draft.sound().isEmpty() && !SOUND.matcher(draft.sound()).matches()) {
            throw ServiceException.invalidArgument("sound must be 1-64 characters of A-Z a-z 0-9 _ . -");
        }
        if (!sourceKey.isEmpty() && !SOURCE_KEY.matcher(sourceKey).matches()) {
            throw ServiceException.invalidArgument("source_key must be 1-" + MAX_SOURCE_KEY + " printable ASCII characters");
        }
        NotificationData d = draft.data();
        for (String id : List.of(d.chatId(), d.messageId(), d.callId(), d.actorId())) {
            if (!id.isEmpty()) {
                requireId(id, "data id");
            }
        }
        if (!d.callKind().isEmpty() && !List.of("missed", "incoming").contains(d.callKind())) {
            throw ServiceException.invalidArgument("data.call_kind must be missed or incoming");
        }
        if (d.extra().size() > MAX_EXTRA) {
            throw ServiceException.invalidArgument("data.extra has at most " + MAX_EXTRA + " entries");
        }
        d.extra().forEach((key, value) -> {
            if (!EXTRA_KEY.matcher(key).matches() || value.length() > MAX_EXTRA_VALUE) {
                throw ServiceException.invalidArgument("data.extra keys are 1-64 characters of A-Z a-z 0-9 _ . -"
                        + " and values at most " + MAX_EXTRA_VALUE + " characters");
            }
        });
    }

    private static void requireId(String id, String what) {
        if (!Ids.isValid(id)) {
            throw ServiceException.invalidArgument(what + " must be 1-" + Ids.MAX_LENGTH
                    + " characters of A-Z a-z 0-9 _ . : @ -");
        }
    }

    private static String newId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    /** The counters of {@code notifications.created}, one per type, built once. */
    private static Map<NotificationType, Counter> createdCounters() {
        Map<NotificationType, Counter> counters = new EnumMap<>(NotificationType.class);
        for (NotificationType type : NotificationType.values()) {
            counters.put(type, created(type));
        }
        return counters;
    }

    /** The counters of {@code notification.push.suppressed}, one per reason, built once. */
    private static Map<String, Counter> notPushedCounters() {
        return Map.of("connected", notPushed("connected"), "low_priority", notPushed("low_priority"),
                "muted", notPushed("muted"), "do_not_disturb", notPushed("do_not_disturb"));
    }

    private static Counter created(NotificationType type) {
        return Metrics.globalRegistry().getOrCreate(Counter.builder("notifications.created")
                .description("Notifications created, by type").tags(List.of(io.helidon.metrics.api.Tag.create("type",
                        type.wireName()))));
    }

    private static Counter notPushed(String reason) {
        return Metrics.globalRegistry().getOrCreate(Counter.builder("notification.push.suppressed")
                .description("Notifications not pushed, by reason (connected, low_priority, muted, do_not_disturb)")
                .tags(List.of(io.helidon.metrics.api.Tag.create("reason", reason))));
    }
}
