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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A user's notifications on a real Redis: bounded in count and age, paged with a cursor,
 * idempotent to read and clear, touched by their owner only, made once per source, and
 * collapsed per chat when they are messages.
 */
class NotificationsAreKeptPerUserTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    private static UnifiedJedis redis;

    @BeforeAll
    static void connect() {
        redis = REDIS.client();
    }

    private static TestNotifications system(int maxPerUser, Duration retention) {
        return new TestNotifications(redis, new MutableClock(NOW.toEpochMilli()), maxPerUser, retention,
                Duration.ofSeconds(3));
    }

    @Test
    void theNewestAreKeptWithinTheCountAndTheAge() {
        TestNotifications n = system(5, Duration.ofDays(30));
        for (int i = 0; i < 8; i++) {
            n.create("ann", draft(NotificationType.CHAT, "c" + i, "n" + i), "");
            n.clock.advance(Duration.ofMinutes(1));
        }
        NotificationStore.Page page = n.service.page("ann", 50, "");
        assertEquals(List.of("n7", "n6", "n5", "n4", "n3"), page.notifications().stream().map(Notification::body).toList());
        assertEquals(5, page.badge());
        assertEquals(5, redis.hlen(NotificationKeys.data("ann")), "the dropped ones are deleted, not hidden");

        n.clock.advance(Duration.ofDays(30));
        NotificationStore.Page expired = n.service.page("ann", 50, "");
        assertEquals(List.of(), expired.notifications(), "past the age: gone");
        assertEquals(0, expired.badge(), "the badge never counts what is not shown");
        assertEquals(0, redis.hlen(NotificationKeys.data("ann")), "deleted, not hidden");
        n.create("ann", draft(NotificationType.CHAT, "c9", "fresh"), "");
        assertEquals(List.of("fresh"), n.service.page("ann", 50, "").notifications().stream().map(Notification::body).toList());
        assertTrue(redis.pttl(NotificationKeys.items("ann")) <= Duration.ofDays(30).toMillis(), "keys expire");
    }

    @Test
    void pagesGoBackFromACursorAndAStrangersCursorIsRefused() {
        TestNotifications n = system(100, Duration.ofDays(30));
        for (int i = 0; i < 7; i++) {
            n.create("ann", draft(NotificationType.CHAT, "c1", "n" + i), ""); // the same ms: order still kept
        }
        NotificationStore.Page first = n.service.page("ann", 3, "");
        assertEquals(List.of("n6", "n5", "n4"), bodies(first));
        assertTrue(first.hasMore());
        NotificationStore.Page second = n.service.page("ann", 3, first.notifications().getLast().id());
        assertEquals(List.of("n3", "n2", "n1"), bodies(second));
        NotificationStore.Page last = n.service.page("ann", 3, second.notifications().getLast().id());
        assertEquals(List.of("n0"), bodies(last));
        assertFalse(last.hasMore());

        String annsId = first.notifications().getFirst().id();
        assertEquals(ServiceException.Kind.INVALID_ARGUMENT,
                assertThrows(ServiceException.class, () -> n.service.page("bob", 3, annsId)).kind());
        assertEquals(ServiceException.Kind.INVALID_ARGUMENT,
                assertThrows(ServiceException.class, () -> n.service.page("ann", 201, "")).kind());
    }

    @Test
    void readAndClearAreIdempotentAndOnlyTheOwnersToTouch() {
        TestNotifications n = system(100, Duration.ofDays(30));
        Notification first = n.create("ann", draft(NotificationType.CHAT, "c1", "one"), "");
        Notification second = n.create("ann", draft(NotificationType.CHAT, "c2", "two"), "");
        assertEquals(2, second.badge());

        var read = n.service.markRead("ann", "", List.of(first.id()));
        assertEquals(1, read.badge());
        assertTrue(read.badgeVersion() > second.badgeVersion(), "every change of the badge raises its version");
        assertTrue(second.badgeVersion() > first.badgeVersion());
        var again = n.service.markRead("ann", "", List.of(first.id(), first.id()));
        assertEquals(1, again.badge(), "read again: no change");
        assertEquals(read.badgeVersion(), again.badgeVersion(), "no change, no new version");
        assertTrue(n.service.page("ann", 10, "").notifications().getLast().read());

        for (var touch : List.<Runnable>of(
                () -> n.service.markRead("bob", "", List.of(second.id())),
                () -> n.service.clear("bob", "", second.id()),
                () -> n.service.markRead("ann", "", List.of(second.id(), "0".repeat(32))),
                () -> n.service.clear("ann", "", "not-an-id"))) {
            assertEquals(ServiceException.Kind.NOT_FOUND, assertThrows(ServiceException.class, touch::run).kind());
        }
        for (var malformed : List.<Runnable>of(
                () -> n.service.clear("ann", "", ""),
                () -> n.service.markRead("ann", "", java.util.Collections.nCopies(101, first.id())))) {
            assertEquals(ServiceException.Kind.INVALID_ARGUMENT, assertThrows(ServiceException.class, malformed::run).kind());
        }
        assertEquals(1, n.store.badge("ann"), "a refused read marks nothing, not even the ids that were ann's");

        assertEquals(0, n.service.clear("ann", "", second.id()).badge());
        assertEquals(0, n.service.clear("ann", "", second.id()).badge(), "cleared again: still a success");
        assertEquals(0, n.service.markRead("ann", "", List.of(second.id())).badge(), "reading a cleared one is a success");
        assertEquals(List.of("one"), bodies(n.service.page("ann", 10, "")));

        n.create("ann", draft(NotificationType.CHAT, "c3", "three"), "");
        assertEquals(2, n.service.clearAll("ann", "").changed());
        assertEquals(0, n.service.clearAll("ann", "").changed());
        assertEquals(0, n.store.badge("ann"));
        assertEquals(0, n.service.markRead("ann", "", List.of(first.id())).badge(), "cleared by clear-all: still ann's");
    }

    @Test
    void aSourceKeyMakesOneNotificationHoweverOftenItIsSent() {
        TestNotifications n = system(100, Duration.ofDays(30));
        var made = n.service.create(List.of("ann", "bob"), draft(NotificationType.CALL, "", "missed"), "call:c1");
        var again = n.service.create(List.of("ann", "bob"), draft(NotificationType.CALL, "", "missed"), "call:c1");
        assertTrue(made.stream().allMatch(NotificationService.Created::created));
        assertTrue(again.stream().noneMatch(NotificationService.Created::created));
        assertEquals(made.get(0).notification().id(), again.get(0).notification().id());
        assertNotEquals(made.get(0).notification().id(), made.get(1).notification().id(), "ids are per notification");
        assertEquals(1, n.service.page("ann", 10, "").notifications().size());
        assertEquals(Priority.HIGH, made.get(0).notification().priority(), "a call's default priority");

        n.service.clear("ann", "", made.get(0).notification().id());
        assertFalse(n.service.create(List.of("ann"), draft(NotificationType.CALL, "", "missed"), "call:c1")
                .getFirst().created(), "a retry after a clear does not bring it back");
    }

    @Test
    void messagesOfOneChatCollapseIntoTheUnreadOne() {
        TestNotifications n = system(100, Duration.ofDays(30));
        Notification first = n.create("ann", draft(NotificationType.MESSAGE, "c1", "hi"), "message:c1:1");
        n.create("ann", draft(NotificationType.MESSAGE, "c2", "other chat"), "message:c2:1");
        Notification third = n.create("ann", draft(NotificationType.MESSAGE, "c1", "there"), "message:c1:2");
        var collapsed = n.service.create(List.of("ann"), draft(NotificationType.MESSAGE, "c1", "again"), "message:c1:3");
        assertFalse(collapsed.getFirst().created(), "collapsed: no new notification");
        Notification fourth = collapsed.getFirst().notification();
        assertEquals(first.id(), fourth.id());
        assertEquals(3, fourth.count());
        assertEquals(2, fourth.badge(), "one per chat");
        NotificationStore.Page page = n.service.page("ann", 10, "");
        assertEquals(List.of("other chat", "again"), bodies(page), "the collapsed one kept its place, with the latest text");
        assertEquals(3, page.notifications().getLast().count());
        assertEquals(first.id(), third.id());

        n.service.markRead("ann", "", List.of(first.id()));
        Notification afterRead = n.create("ann", draft(NotificationType.MESSAGE, "c1", "new"), "message:c1:4");
        assertNotEquals(first.id(), afterRead.id(), "a read one collapses nothing more");
        assertEquals(1, afterRead.count());
    }

    @Test
    void pagingBackIsExactWhileACollapseHappensBetweenPages() {
        TestNotifications n = system(100, Duration.ofDays(30));
        n.create("ann", draft(NotificationType.CHAT, "c1", "r1"), "");
        n.create("ann", draft(NotificationType.CHAT, "c2", "r2"), "");
        n.create("ann", draft(NotificationType.MESSAGE, "k1", "m1"), "");
        n.create("ann", draft(NotificationType.CHAT, "c3", "r3"), "");
        n.create("ann", draft(NotificationType.CHAT, "c4", "r4"), "");
        NotificationStore.Page first = n.service.page("ann", 3, "");
        assertEquals(List.of("r4", "r3", "m1"), bodies(first));
        n.create("ann", draft(NotificationType.MESSAGE, "k1", "m2"), ""); // collapses into m1
        assertEquals(List.of("r2", "r1"), bodies(n.service.page("ann", 3, first.notifications().getLast().id())),
                "no repeats, nothing skipped");
    }

    @Test
    void malformedDraftsAreRefused() {
        TestNotifications n = system(100, Duration.ofDays(30));
        for (Draft bad : List.of(
                new Draft(NotificationType.CHAT, Optional.empty(), "t".repeat(257), "b", "", NotificationData.NONE),
                new Draft(NotificationType.CHAT, Optional.empty(), "", "", "", NotificationData.NONE),
                new Draft(NotificationType.CHAT, Optional.empty(), "t", "b", "bad sound!", NotificationData.NONE),
                new Draft(NotificationType.CALL, Optional.empty(), "t", "b", "",
                        new NotificationData("", "", "c1", "", "later", java.util.Map.of())))) {
            assertEquals(ServiceException.Kind.INVALID_ARGUMENT,
                    assertThrows(ServiceException.class, () -> n.service.create(List.of("ann"), bad, "")).kind());
        }
        assertEquals(ServiceException.Kind.INVALID_ARGUMENT, assertThrows(ServiceException.class,
                () -> n.service.create(List.of("bad id!"), draft(NotificationType.CHAT, "", "b"), "")).kind());
        assertEquals(0, redis.dbSize(), "nothing stored");
    }

    private static List<String> bodies(NotificationStore.Page page) {
        return page.notifications().stream().map(Notification::body).toList();
    }
}
