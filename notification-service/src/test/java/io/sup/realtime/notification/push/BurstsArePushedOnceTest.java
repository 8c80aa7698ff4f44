package io.sup.realtime.notification.push;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sup.realtime.notification.NotificationKeys;
import io.sup.realtime.notification.notifications.Draft;
import io.sup.realtime.notification.notifications.Notification;
import io.sup.realtime.notification.notifications.NotificationData;
import io.sup.realtime.notification.notifications.NotificationType;
import io.sup.realtime.notification.notifications.Priority;
import io.sup.realtime.notification.notifications.TestNotifications;
import io.sup.realtime.notification.push.webhook.WebhookConfig;
import io.sup.realtime.notification.push.webhook.WebhookPushProvider;
import io.sup.realtime.notification.push.webhook.WebhookReceiver;
import io.sup.realtime.platform.config.Settings;
import io.sup.realtime.platform.limits.RateLimiter;
import io.sup.realtime.platform.limits.RateLimits;
import io.sup.realtime.platform.testing.MutableClock;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

import static io.sup.realtime.notification.notifications.TestNotifications.draft;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * From notification to push on a real Redis and a real local webhook receiver: a burst of one
 * chat becomes one signed push with its count, after the collapse window; low priority and a
 * muted chat are never pushed, high priority at once; a burst whose user connected, or read
 * it, meanwhile is dropped; a dead token removes its registration.
 */
class BurstsArePushedOnceTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final Duration WINDOW = Duration.ofSeconds(3);
    private static final String SECRET = "a-webhook-secret-of-at-least-32-bytes!";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static UnifiedJedis redis;
    private WebhookReceiver receiver;
    private PushDelivery delivery;

    @BeforeAll
    static void connect() {
        redis = REDIS.client();
    }

    @AfterEach
    void stop() {
        if (delivery != null) {
            delivery.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    /** The notification domain with push delivery to {@link #receiver}, and ann's phone registered. */
    private record System(TestNotifications notifications, PushRegistrations registrations, PushDispatcher dispatcher) {
    }

    private System system(int status) {
        receiver = WebhookReceiver.answering(attempt -> status);
        TestNotifications n = new TestNotifications(redis, new MutableClock(NOW.toEpochMilli()), 100,
                Duration.ofDays(30), WINDOW);
        PushRegistrations registrations = new PushRegistrations(redis, 10);
        WebhookPushProvider webhook = new WebhookPushProvider(new WebhookConfig(receiver.url(), SECRET,
                Duration.ofSeconds(5), 1, Duration.ofMillis(1), Duration.ofMillis(1)));
        delivery = new PushDelivery(Map.of("webhook", webhook), new DeadLetters(redis, 100, n.clock),
                registrations::removeIfToken, 4);
        RateLimiter limiter = new RateLimiter(RateLimits.from(Settings.of("notification-service", Map.of())),
                NotificationKeys::rateLimit);
        new PushDevices(registrations, delivery.providers(), limiter).register(new PushDevice("ann", "phone", "webhook",
                "token-1"));
        return new System(n, registrations, new PushDispatcher(n.pushes, registrations, n.store, n.routes,
                delivery::deliver, n.clock));
    }

    /** Waits until every push handed to delivery is done, then answers what the receiver got. */
    private List<JsonNode> received() throws Exception {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> delivery.inFlight() == 0 && delivery.queued() == 0);
        List<JsonNode> bodies = new java.util.ArrayList<>();
        for (WebhookReceiver.Request r : receiver.requests()) {
            assertTrue(WebhookReceiver.signatureVerifies(SECRET, r.signature(), r.body()), "signed");
            bodies.add(JSON.readTree(r.body()));
        }
        return bodies;
    }

    @Test
    void aBurstOfOneChatIsOnePushWithItsCountAfterTheWindow() throws Exception {
        System s = system(200);
        for (int i = 1; i <= 5; i++) {
            s.notifications().create("ann", draft(NotificationType.MESSAGE, "c1", "message " + i), "message:c1:" + i);
        }
        s.notifications().create("ann", draft(NotificationType.MENTION, "c2", "@ann"), "");
        assertEquals(0, s.dispatcher().sweep(), "inside the collapse window nothing is due");

        s.notifications().clock.advance(WINDOW);
        assertEquals(2, s.dispatcher().sweep(), "one push per chat");
        List<JsonNode> pushes = received();
        assertEquals(2, pushes.size());
        JsonNode c1 = pushes.stream().filter(p -> p.at("/collapseKey").asText().equals("chat:c1")).findFirst().orElseThrow();
        assertEquals(5, c1.get("count").asInt());
        assertEquals("message 5", c1.at("/notification/body").asText(), "the latest");
        assertEquals("token-1", c1.get("token").asText());
        assertEquals(2, c1.get("badge").asInt(), "the five collapsed into one notification, plus the mention");
        assertEquals(0, s.dispatcher().sweep(), "sent once");
    }

    @Test
    void lowPriorityAndMutedChatsAreNeverPushedAndHighPriorityAtOnce() throws Exception {
        System s = system(200);
        s.notifications().preferences.mute("ann", "muted", Optional.empty());
        s.notifications().create("ann", new Draft(NotificationType.CHAT, Optional.of(Priority.LOW), "t", "low", "",
                new NotificationData("quiet", "", "", "", "", Map.of())), "");
        s.notifications().create("ann", draft(NotificationType.MESSAGE, "muted", "in a muted chat"), "");
        s.notifications().create("ann", new Draft(NotificationType.CALL, Optional.empty(), "Missed call", "ben called",
                "ring", new NotificationData("", "", "call-1", "ben", "missed", Map.of())), "call:call-1");

        assertEquals(1, s.dispatcher().sweep(), "the call, at once");
        s.notifications().clock.advance(Duration.ofHours(1));
        assertEquals(0, s.dispatcher().sweep(), "never the low nor the muted one");
        List<JsonNode> pushes = received();
        assertEquals(1, pushes.size());
        assertEquals("high", pushes.getFirst().at("/notification/priority").asText());
        assertEquals("call-1", pushes.getFirst().at("/notification/data/callId").asText());
    }

    @Test
    void aBurstIsDroppedWhenItsUserConnectedOrReadItMeanwhile() throws Exception {
        System s = system(200);
        s.notifications().create("ann", draft(NotificationType.MESSAGE, "c1", "connects"), "");
        Notification read = s.notifications().create("ann", draft(NotificationType.MESSAGE, "c2", "reads"), "");
        s.notifications().service.markRead("ann", "", List.of(read.id()));
        s.notifications().routes.addUser("gw-test", "ann");
        s.notifications().clock.advance(WINDOW);
        assertEquals(0, s.dispatcher().sweep());
        assertEquals(List.of(), received());
    }

    @Test
    void aTokenItsProviderCallsDeadIsRemoved() throws Exception {
        System s = system(410);
        s.notifications().create("ann", new Draft(NotificationType.CALL, Optional.empty(), "Missed call", "ben called",
                "", new NotificationData("", "", "call-2", "ben", "missed", Map.of())), "");
        assertEquals(1, s.dispatcher().sweep());
        assertEquals(1, received().size());
        assertEquals(List.of(), s.registrations().devices("ann"));
        assertEquals(Set.of(), redis.hkeys(NotificationKeys.devices("ann")));
    }
}
