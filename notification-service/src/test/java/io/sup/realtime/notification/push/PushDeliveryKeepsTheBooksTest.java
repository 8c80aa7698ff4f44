package io.sup.realtime.notification.push;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.sup.realtime.notification.NotificationKeys;
import io.sup.realtime.notification.push.webhook.WebhookConfig;
import io.sup.realtime.notification.push.webhook.WebhookPushProvider;
import io.sup.realtime.notification.push.webhook.WebhookReceiver;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.resps.StreamEntry;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Push delivery through the real webhook provider to a real receiver, with dead letters in a
 * real Redis: a push given up on is dead-lettered and counted, a dead token's registration is
 * removed, a provider not configured is a dead letter, and no more than the configured number
 * of pushes are sent at once.
 */
class PushDeliveryKeepsTheBooksTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();
    private static final String SECRET = "delivery-test-secret-0123456789abcdef";
    private static final String TOKEN = "device-token-Zq81-secret";

    /** What the store was asked to remove: user, device, token. */
    private final List<List<String>> removed = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> opened = new ArrayList<>();
    private UnifiedJedis redis;
    private DeadLetters deadLetters;

    @BeforeEach
    void connect() {
        redis = REDIS.settings().newClient();
        deadLetters = new DeadLetters(redis, DeadLetters.DEFAULT_MAX_ENTRIES, Clock.systemUTC());
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : opened.reversed()) {
            c.close();
        }
        redis.close();
    }

    @Test
    void aPushThatAlwaysFailsIsDeadLetteredAndCounted() throws Exception {
        WebhookReceiver receiver = open(WebhookReceiver.answering(n -> 503));
        PushDelivery delivery = delivery(receiver, 3, 64);
        long deadBefore = pushes("webhook", "dead_letter");
        long deliveredBefore = pushes("webhook", "delivered");
        long retriesBefore = retries("webhook");

        PushOutcome outcome = delivery.deliver(TestPushes.push("push-dead", "webhook", TOKEN)).get(10, TimeUnit.SECONDS);

        assertEquals(new PushOutcome.Failed(3, "http 503"), outcome);
        assertEquals(3, receiver.requests().size());
        List<DeadLetter> letters = deadLetters.list(Optional.empty(), 10);
        assertEquals(1, letters.size());
        DeadLetter letter = letters.getFirst();
        assertEquals(List.of("push-dead", "ann", "phone-1", "webhook", "n-7", "3", "http 503"),
                List.of(letter.pushId(), letter.userId(), letter.deviceId(), letter.provider(), letter.notificationId(),
                        Integer.toString(letter.attempts()), letter.error()));
        assertEquals(deadBefore + 1, pushes("webhook", "dead_letter"));
        assertEquals(deliveredBefore, pushes("webhook", "delivered"));
        assertEquals(retriesBefore + 2, retries("webhook"), "one per attempt after the first");
        assertEquals(List.of(), removed);
        assertTokenNotInDeadLetters();
    }

    @Test
    void aDeliveredPushIsCountedWithItsRetries() throws Exception {
        WebhookReceiver receiver = open(WebhookReceiver.answering(n -> n == 1 ? 429 : 202));
        PushDelivery delivery = delivery(receiver, 3, 64);
        long deliveredBefore = pushes("webhook", "delivered");
        long retriesBefore = retries("webhook");

        assertEquals(new PushOutcome.Delivered(2),
                delivery.deliver(TestPushes.push("push-ok", "webhook", TOKEN)).get(10, TimeUnit.SECONDS));

        assertEquals(deliveredBefore + 1, pushes("webhook", "delivered"));
        assertEquals(retriesBefore + 1, retries("webhook"));
        assertEquals(0, redis.xlen(NotificationKeys.deadLetters()));
    }

    @Test
    void aGoneTokenRemovesItsRegistrationWithoutRetryOrDeadLetter() throws Exception {
        WebhookReceiver receiver = open(WebhookReceiver.answering(n -> 410));
        PushDelivery delivery = delivery(receiver, 5, 64);
        long invalidBefore = pushes("webhook", "token_invalid");
        long retriesBefore = retries("webhook");

        PushOutcome outcome = delivery.deliver(TestPushes.push("push-gone", "webhook", TOKEN)).get(10, TimeUnit.SECONDS);

        assertEquals(new PushOutcome.TokenInvalid(1), outcome);
        assertEquals(1, receiver.requests().size(), "not retried");
        assertEquals(List.of(List.of("ann", "phone-1", TOKEN)), removed, "removed only while it holds that token");
        assertEquals(invalidBefore + 1, pushes("webhook", "token_invalid"));
        assertEquals(retriesBefore, retries("webhook"));
        assertEquals(0, redis.xlen(NotificationKeys.deadLetters()));
    }

    @Test
    void aProviderThatIsNotConfiguredIsADeadLetter() throws Exception {
        WebhookReceiver receiver = open(WebhookReceiver.answering(n -> 200));
        PushDelivery delivery = delivery(receiver, 3, 64);
        long unknownBefore = pushes(PushDelivery.UNKNOWN_PROVIDER, "dead_letter");

        PushOutcome outcome = delivery.deliver(TestPushes.push("push-fcm", "fcm", TOKEN)).get(10, TimeUnit.SECONDS);

        assertEquals(new PushOutcome.Failed(0, "provider not configured"), outcome);
        assertEquals(0, receiver.requests().size(), "nothing went to the webhook");
        DeadLetter letter = deadLetters.list(Optional.empty(), 10).getFirst();
        assertEquals("fcm", letter.provider());
        assertEquals(0, letter.attempts());
        assertEquals("provider not configured", letter.error());
        assertEquals(unknownBefore + 1, pushes(PushDelivery.UNKNOWN_PROVIDER, "dead_letter"));
        assertEquals(java.util.Set.of("webhook"), delivery.providers());
        assertTokenNotInDeadLetters();
    }

    @Test
    void noMoreThanTheConcurrencyArePushedAtOnce() throws Exception {
        WebhookReceiver receiver = open(WebhookReceiver.holding(n -> 200));
        PushDelivery delivery = delivery(receiver, 1, 2);

        List<CompletableFuture<PushOutcome>> futures = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            futures.add(delivery.deliver(TestPushes.push("push-" + i, "webhook", TOKEN)));
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.requests().size() == 2 && delivery.queued() == 3);
        assertEquals(2, delivery.inFlight());
        assertEquals(2, receiver.requests().size(), "the other three wait for a slot, not on the wire");
        receiver.release();

        for (CompletableFuture<PushOutcome> f : futures) {
            assertEquals(new PushOutcome.Delivered(1), f.get(10, TimeUnit.SECONDS));
        }
        assertEquals(5, receiver.requests().size());
        assertEquals(2, receiver.maxInFlight(), "two at a time, never more");
        assertEquals(0, delivery.queued());
        assertEquals(0, delivery.inFlight());
    }

    @Test
    void aDeadLetterRedisCannotTakeFailsTheFutureButIsStillCounted() throws Exception {
        WebhookReceiver receiver = open(WebhookReceiver.answering(n -> 400));
        PushDelivery delivery = delivery(receiver, 1, 64);
        long deadBefore = pushes("webhook", "dead_letter");
        REDIS.stop();
        try {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> delivery.deliver(TestPushes.push("push-x", "webhook", TOKEN)).get(20, TimeUnit.SECONDS));
            assertInstanceOf(JedisException.class, e.getCause());
            assertEquals(deadBefore + 1, pushes("webhook", "dead_letter"));
        } finally {
            REDIS.startAgain();
        }
    }

    @Test
    void aProviderMustBeRegisteredUnderItsOwnName() {
        WebhookReceiver receiver = open(WebhookReceiver.answering(n -> 200));
        WebhookPushProvider webhook = open(new WebhookPushProvider(config(receiver, 1)));
        assertThrows(IllegalArgumentException.class,
                () -> new PushDelivery(Map.of("fcm", webhook), deadLetters, this::remove, 4));
        assertThrows(IllegalArgumentException.class,
                () -> new PushDelivery(Map.of("webhook", webhook), deadLetters, this::remove, 0));
    }

    @Test
    void closingInterruptsThePushUnderWayWhichIsDeadLetteredAndSendsNoMore() throws Exception {
        WebhookReceiver receiver = open(WebhookReceiver.holding(n -> 200)); // never released
        PushDelivery delivery = delivery(receiver, 3, 1);
        Map<String, CompletableFuture<PushOutcome>> futures = Map.of(
                "push-a", delivery.deliver(TestPushes.push("push-a", "webhook", TOKEN)),
                "push-b", delivery.deliver(TestPushes.push("push-b", "webhook", TOKEN)));
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.requests().size() == 1 && delivery.queued() == 1);
        String sent = receiver.requests().getFirst().delivery(); // whichever took the one slot
        String other = sent.equals("push-a") ? "push-b" : "push-a";

        delivery.close(Duration.ZERO);

        assertEquals(new PushOutcome.Failed(1, "interrupted"), futures.get(sent).get(10, TimeUnit.SECONDS));
        ExecutionException never = assertThrows(ExecutionException.class, () -> futures.get(other).get(10, TimeUnit.SECONDS));
        assertInstanceOf(InterruptedException.class, never.getCause());
        assertEquals(List.of(sent), deadLetters.list(Optional.empty(), 10).stream().map(DeadLetter::pushId).toList(),
                "recorded despite the interrupt");
        assertEquals(1, receiver.requests().size(), "the other was never sent, nor the first retried");
    }

    @Test
    void afterCloseNoPushIsTaken() {
        WebhookReceiver receiver = open(WebhookReceiver.answering(n -> 200));
        PushDelivery delivery = delivery(receiver, 1, 4);
        delivery.close();
        assertThrows(java.util.concurrent.RejectedExecutionException.class,
                () -> delivery.deliver(TestPushes.push("late", "webhook", TOKEN)));
        assertEquals(0, delivery.queued(), "a refused push is not counted as queued");
    }

    private PushDelivery delivery(WebhookReceiver receiver, int attempts, int concurrency) {
        WebhookPushProvider webhook = open(new WebhookPushProvider(config(receiver, attempts)));
        return open(new PushDelivery(Map.of(WebhookPushProvider.NAME, webhook), deadLetters, this::remove, concurrency));
    }

    private static WebhookConfig config(WebhookReceiver receiver, int attempts) {
        return new WebhookConfig(receiver.url(), SECRET, Duration.ofSeconds(5), attempts, Duration.ofMillis(1),
                Duration.ofMillis(4));
    }

    private void remove(String userId, String deviceId, String token) {
        removed.add(List.of(userId, deviceId, token));
    }

    private static long pushes(String provider, String outcome) {
        return Metrics.globalRegistry().getOrCreate(Counter.builder("notification.push")
                .tags(List.of(Tag.create("provider", provider), Tag.create("outcome", outcome)))).count();
    }

    private static long retries(String provider) {
        return Metrics.globalRegistry().getOrCreate(Counter.builder("notification.push.retries")
                .tags(List.of(Tag.create("provider", provider)))).count();
    }

    private void assertTokenNotInDeadLetters() {
        List<StreamEntry> entries = redis.xrange(NotificationKeys.deadLetters(), "-", "+", 1_000);
        assertTrue(!entries.isEmpty(), "there is a dead letter to look at");
        for (StreamEntry e : entries) {
            e.getFields().values().forEach(v -> assertFalse(v.contains(TOKEN), v));
        }
    }

    private <T extends AutoCloseable> T open(T closeable) {
        opened.add(closeable);
        return closeable;
    }
}
