package io.sup.realtime.notification.notifications;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.sup.realtime.notification.NotificationKeys;
import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.testing.MutableClock;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

import static io.sup.realtime.notification.notifications.TestNotifications.draft;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Which notifications wait for a push, on a real Redis: not low priority, not a muted chat
 * (which counts for no badge either), not during do-not-disturb, not while the user is
 * connected; a mention breaks through mute and do-not-disturb; high priority is due at once,
 * the rest after the collapse window.
 */
class PushFollowsPriorityAndPreferencesTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final Duration WINDOW = Duration.ofSeconds(3);

    private static UnifiedJedis redis;

    @BeforeAll
    static void connect() {
        redis = REDIS.client();
    }

    private static TestNotifications system() {
        return new TestNotifications(redis, new MutableClock(NOW.toEpochMilli()), 100, Duration.ofDays(30), WINDOW);
    }

    private static Double due(String user, String collapseKey) {
        return redis.zscore(NotificationKeys.pushDue(), user + "|" + collapseKey);
    }

    @Test
    void priorityDecidesWhetherAndWhen() {
        TestNotifications n = system();
        n.create("ann", new Draft(NotificationType.CHAT, Optional.of(Priority.LOW), "t", "quiet", "",
                new NotificationData("c-low", "", "", "", "", java.util.Map.of())), "");
        n.create("ann", draft(NotificationType.MESSAGE, "c-normal", "hi"), "");
        n.create("ann", new Draft(NotificationType.CALL, Optional.empty(), "Missed call", "bob called you", "",
                new NotificationData("", "", "call-1", "bob", "missed", java.util.Map.of())), "call:call-1");

        assertNull(due("ann", "chat:c-low"), "low priority: never pushed");
        assertEquals(NOW.plus(WINDOW).toEpochMilli(), due("ann", "chat:c-normal"), "normal: after the collapse window");
        assertEquals(NOW.toEpochMilli(), due("ann", "call:call-1"), "high: at once");
        assertEquals(3, n.store.badge("ann"), "low priority still counts for the badge");
    }

    @Test
    void aHighPriorityNotificationBringsAWaitingBurstForward() {
        TestNotifications n = system();
        n.create("ann", draft(NotificationType.REPLY, "c1", "normal first"), "");
        n.clock.advance(Duration.ofSeconds(1));
        n.create("ann", new Draft(NotificationType.CALL, Optional.empty(), "Missed call", "in the same chat", "",
                new NotificationData("c1", "", "call-2", "bob", "missed", java.util.Map.of())), "");
        assertEquals(n.clock.millis(), due("ann", "chat:c1"), "due at once, not at the burst's first due time");
        n.create("ann", draft(NotificationType.REPLY, "c1", "normal later"), "");
        assertEquals(n.clock.millis(), due("ann", "chat:c1"), "a later normal one does not put it back");
    }

    @Test
    void preferencesRefuseWhatTheyCannotKeep() {
        TestNotifications n = system();
        for (Runnable bad : List.<Runnable>of(
                () -> n.preferences.mute("ann", "c1", Optional.of(NOW.minusSeconds(1))),
                () -> n.preferences.mute("ann", "c1", Optional.of(NOW.plus(Duration.ofDays(3700)))),
                () -> io.sup.realtime.notification.preferences.PreferenceService.until("+999999999-12-31T23:59:59Z"),
                () -> io.sup.realtime.notification.preferences.PreferenceService.until("+10000-01-01T00:00:00Z"),
                () -> n.preferences.doNotDisturb("ann", true, "24:00", "07:00", ""),
                () -> n.preferences.doNotDisturb("ann", true, "22:00", "07:00", "UTC+3"),
                () -> n.preferences.doNotDisturb("ann", true, "22:00", "07:00", "SystemV/EST5"),
                () -> n.preferences.doNotDisturb("ann", true, "22:00", "07:00", "Mars/Olympus"))) {
            assertEquals(ServiceException.Kind.INVALID_ARGUMENT, assertThrows(ServiceException.class, bad::run).kind());
        }
        assertEquals(Optional.empty(), n.preferences.read("ann").doNotDisturb());
        assertEquals(List.of(), List.copyOf(n.preferences.read("ann").mutes().keySet()));
    }

    @Test
    void aMutedChatMakesNoPushAndNoBadgeButAMentionStillDoes() {
        TestNotifications n = system();
        n.preferences.mute("ann", "c1", Optional.empty());
        n.preferences.mute("ann", "c2", Optional.of(NOW.plus(Duration.ofMinutes(5))));
        Notification message = n.create("ann", draft(NotificationType.MESSAGE, "c1", "muted"), "");
        assertEquals(0, message.badge());
        assertNull(due("ann", "chat:c1"));
        Notification mention = n.create("ann", draft(NotificationType.MENTION, "c1", "@ann"), "");
        assertEquals(1, mention.badge());
        assertEquals(NOW.plus(WINDOW).toEpochMilli(), due("ann", "chat:c1"));

        n.create("ann", draft(NotificationType.REPLY, "c2", "muted for five minutes"), "");
        assertNull(due("ann", "chat:c2"));
        n.clock.advance(Duration.ofMinutes(5));
        n.create("ann", draft(NotificationType.REPLY, "c2", "the mute ran out"), "");
        assertEquals(n.clock.millis() + WINDOW.toMillis(), due("ann", "chat:c2"));
        assertEquals(List.of("c1"), List.copyOf(n.preferences.read("ann").mutes().keySet()));
    }

    @Test
    void doNotDisturbHoldsPushesBackExceptMentions() {
        TestNotifications n = system();
        // 12:00 UTC is 13:00 in Berlin: inside 22:00-14:00 (spanning midnight), outside later.
        n.preferences.doNotDisturb("ann", true, "22:00", "14:00", "Europe/Berlin");
        Notification quiet = n.create("ann", draft(NotificationType.MESSAGE, "c1", "quiet"), "");
        assertNull(due("ann", "chat:c1"));
        assertEquals(1, quiet.badge(), "do-not-disturb still counts for the badge");
        n.create("ann", draft(NotificationType.MENTION, "c2", "@ann"), "");
        assertEquals(NOW.plus(WINDOW).toEpochMilli(), due("ann", "chat:c2"));

        n.clock.advance(Duration.ofHours(1)); // 14:00 Berlin: the window has ended
        n.create("ann", draft(NotificationType.MESSAGE, "c3", "loud"), "");
        assertEquals(n.clock.millis() + WINDOW.toMillis(), due("ann", "chat:c3"));
        n.preferences.doNotDisturb("ann", false, "", "", "");
        assertEquals(Optional.empty(), n.preferences.read("ann").doNotDisturb());
    }

    @Test
    void aConnectedUserIsToldOnlineAndNotPushed() {
        TestNotifications n = system();
        n.routes.addUser("gw-test", "ann");
        n.create("ann", draft(NotificationType.MESSAGE, "c1", "online"), "");
        assertNull(due("ann", "chat:c1"));
        n.create("bob", draft(NotificationType.MESSAGE, "c1", "offline"), "");
        assertEquals(NOW.plus(WINDOW).toEpochMilli(), due("bob", "chat:c1"));
    }
}
