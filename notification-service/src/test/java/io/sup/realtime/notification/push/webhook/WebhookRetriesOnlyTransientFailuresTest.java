package io.sup.realtime.notification.push.webhook;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sup.realtime.notification.push.PushOutcome;
import io.sup.realtime.notification.push.TestPushes;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The webhook provider against a real HTTP receiver: every attempt signed afresh and
 * verifiable, the same delivery id and body on each; 408, 429, 5xx, timeouts and connection
 * errors retried; 404/410 a dead token; any other answer final at once.
 */
class WebhookRetriesOnlyTransientFailuresTest {
    private static final String SECRET = "test-secret-0123456789abcdef-0123456789";
    private static final String TOKEN = "fcm-token-AAAA-secret";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : opened.reversed()) {
            c.close();
        }
    }

    @Test
    void aReceiverThatFailsTwiceGetsThePushThreeTimesEachSignedAndFresh() throws Exception {
        WebhookReceiver receiver = open(WebhookReceiver.answering(n -> n <= 2 ? 503 : 200));
        WebhookPushProvider webhook = open(new WebhookPushProvider(config(receiver.url(), 5, Duration.ofSeconds(5))));
        Instant before = Instant.now();

        PushOutcome outcome = webhook.send(TestPushes.push("push-1", "webhook", TOKEN));

        assertEquals(new PushOutcome.Delivered(3), outcome);
        List<WebhookReceiver.Request> requests = receiver.requests();
        assertEquals(3, requests.size());
        for (WebhookReceiver.Request r : requests) {
            assertEquals("POST", r.method());
            assertEquals("application/json", r.contentType());
            assertEquals("push-1", r.delivery(), "the same delivery id on every attempt");
            assertTrue(WebhookReceiver.signatureVerifies(SECRET, r.signature(), r.body()), r.signature());
            assertFalse(WebhookReceiver.signatureVerifies(SECRET + "x", r.signature(), r.body()), "another key fails");
            assertFalse(WebhookReceiver.signatureVerifies(SECRET, r.signature(), (r.text() + " ").getBytes()),
                    "another body fails");
            long skew = Math.abs(r.receivedAt().getEpochSecond() - r.signedAt());
            assertTrue(skew <= 1, "signed when sent: t=" + r.signedAt() + ", received " + r.receivedAt());
            assertArrayEquals(requests.getFirst().body(), r.body(), "the same bytes on every attempt");
        }

        JsonNode body = JSON.readTree(requests.getFirst().body());
        assertEquals(Set.of("id", "userId", "deviceId", "provider", "token", "notification", "badge", "count",
                "collapseKey", "sentAt"), names(body));
        assertEquals("push-1", body.get("id").asText());
        assertEquals("ann", body.get("userId").asText());
        assertEquals("phone-1", body.get("deviceId").asText());
        assertEquals("webhook", body.get("provider").asText());
        assertEquals(TOKEN, body.get("token").asText());
        assertEquals(3, body.get("badge").intValue());
        assertEquals(2, body.get("count").intValue());
        assertEquals("chat:c1", body.get("collapseKey").asText());
        Instant sentAt = Instant.parse(body.get("sentAt").asText());
        assertTrue(!sentAt.isBefore(before.minusMillis(1)) && !sentAt.isAfter(requests.getFirst().receivedAt()),
                "sentAt is the first attempt's time: " + sentAt);
        JsonNode n = body.get("notification");
        assertEquals(Set.of("id", "type", "priority", "title", "body", "sound", "data", "createdAt"), names(n));
        assertEquals("n-7", n.get("id").asText());
        assertEquals("mention", n.get("type").asText());
        assertEquals("high", n.get("priority").asText());
        assertEquals("Ben in Launch", n.get("title").asText());
        assertEquals("@ann the deck is ready", n.get("body").asText());
        assertEquals("ping", n.get("sound").asText());
        assertEquals("2026-12-01T12:00:00.123Z", n.get("createdAt").asText());
        assertEquals(JSON.readTree("{\"actorId\":\"ben\",\"chatId\":\"c1\",\"messageId\":\"m-42\"}"), n.get("data"));
    }

    @Test
    void eachAttemptIsSignedWithItsOwnTime() {
        WebhookReceiver receiver = open(WebhookReceiver.answering(n -> n <= 2 ? 500 : 204));
        AtomicLong reads = new AtomicLong();
        Instant start = Instant.now();
        Clock stepping = new Clock() { // each read a second after the last, so attempts differ in t
            @Override
            public Instant instant() {
                return start.plusSeconds(reads.getAndIncrement());
            }

            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }
        };
        WebhookPushProvider webhook = open(new WebhookPushProvider(config(receiver.url(), 5, Duration.ofSeconds(5)),
                HttpClient.newHttpClient(), stepping));

        assertEquals(new PushOutcome.Delivered(3), webhook.send(TestPushes.push("push-2", "webhook", TOKEN)));

        List<WebhookReceiver.Request> requests = receiver.requests();
        assertEquals(List.of(start.getEpochSecond() + 1, start.getEpochSecond() + 2, start.getEpochSecond() + 3),
                requests.stream().map(WebhookReceiver.Request::signedAt).toList(), "read 0 is sentAt, then one per attempt");
        assertEquals(3, requests.stream().map(WebhookReceiver.Request::signature).distinct().count());
        requests.forEach(r -> assertTrue(WebhookReceiver.signatureVerifies(SECRET, r.signature(), r.body())));
    }

    @ParameterizedTest
    @ValueSource(ints = {408, 429, 500, 502, 503, 504})
    void transientAnswersAreRetried(int status) {
        WebhookReceiver receiver = open(WebhookReceiver.answering(n -> n == 1 ? status : 200));
        WebhookPushProvider webhook = open(new WebhookPushProvider(config(receiver.url(), 3, Duration.ofSeconds(5))));

        assertEquals(new PushOutcome.Delivered(2), webhook.send(TestPushes.push("p-" + status, "webhook", TOKEN)));
        assertEquals(2, receiver.requests().size());
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 409, 413, 422, 301})
    void otherAnswersFailAtOnce(int status) {
        WebhookReceiver receiver = open(WebhookReceiver.answering(n -> status));
        WebhookPushProvider webhook = open(new WebhookPushProvider(config(receiver.url(), 5, Duration.ofSeconds(5))));

        assertEquals(new PushOutcome.Failed(1, "http " + status), webhook.send(TestPushes.push("p", "webhook", TOKEN)));
        assertEquals(1, receiver.requests().size(), "not retried");
    }

    @ParameterizedTest
    @ValueSource(ints = {404, 410})
    void aDeadTokenIsReportedWithoutRetry(int status) {
        WebhookReceiver receiver = open(WebhookReceiver.answering(n -> status));
        WebhookPushProvider webhook = open(new WebhookPushProvider(config(receiver.url(), 5, Duration.ofSeconds(5))));

        assertEquals(new PushOutcome.TokenInvalid(1), webhook.send(TestPushes.push("p", "webhook", TOKEN)));
        assertEquals(1, receiver.requests().size());
    }

    @Test
    void aReceiverThatAlwaysFailsGetsTheConfiguredAttemptsThenTheLastError() {
        WebhookReceiver receiver = open(WebhookReceiver.answering(n -> n < 4 ? 500 : 503));
        WebhookPushProvider webhook = open(new WebhookPushProvider(config(receiver.url(), 4, Duration.ofSeconds(5))));

        assertEquals(new PushOutcome.Failed(4, "http 503"), webhook.send(TestPushes.push("p", "webhook", TOKEN)));
        assertEquals(4, receiver.requests().size());
    }

    @Test
    void aReceiverThatNeverAnswersTimesOutEachAttempt() {
        WebhookReceiver receiver = open(WebhookReceiver.holding(n -> 200)); // never released
        WebhookPushProvider webhook = open(new WebhookPushProvider(config(receiver.url(), 3, Duration.ofMillis(300))));

        assertEquals(new PushOutcome.Failed(3, "timeout"), webhook.send(TestPushes.push("p", "webhook", TOKEN)));
        assertEquals(3, receiver.requests().size(), "each attempt reached the receiver and was given up on");
    }

    @Test
    void nobodyListeningIsRetriedThenFailsConnectRefused() {
        URI closed = URI.create("http://127.0.0.1:" + RedisServerExtension.freePort() + "/push?key=relay-key-42");
        WebhookPushProvider webhook = open(new WebhookPushProvider(config(closed, 3, Duration.ofSeconds(5))));

        PushOutcome outcome = webhook.send(TestPushes.push("p", "webhook", TOKEN));

        assertEquals(new PushOutcome.Failed(3, "connect refused"), outcome);
    }

    private static WebhookConfig config(URI url, int attempts, Duration timeout) {
        return new WebhookConfig(url, SECRET, timeout, attempts, Duration.ofMillis(1), Duration.ofMillis(4));
    }

    private static Set<String> names(JsonNode node) {
        Set<String> names = new java.util.HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private <T extends AutoCloseable> T open(T closeable) {
        opened.add(closeable);
        return closeable;
    }
}
