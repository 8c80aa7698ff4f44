package io.sup.realtime.platform.bus;

import static io.sup.realtime.platform.bus.CollectingInbox.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.google.protobuf.Empty;
import com.google.protobuf.InvalidProtocolBufferException;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.proto.gateway.v1.DeliveryFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;

/**
 * The receiving side of the bus under faults, against a real Redis that is really stopped:
 * the subscriber reports the loss, re-subscribes by itself when Redis is back, shrugs off
 * malformed payloads and failing handlers, and stops for good when closed.
 */
class InboxSubscriberSurvivesFaultsTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final Duration RECONNECT = Duration.ofSeconds(10);

    @Test
    void subscriberReportsTheLossAndResubscribesWhenRedisComesBack() throws Exception {
        try (CollectingInbox inbox = CollectingInbox.start(REDIS.settings(), "gw-f")) {
            REDIS.stop();
            try {
                awaitTrue(() -> !inbox.subscriber.isSubscribed(), CollectingInbox.WAIT,
                        "isSubscribed() false while Redis is down");
            } finally {
                REDIS.startAgain();
            }

            awaitTrue(inbox.subscriber::isSubscribed, RECONNECT, "re-subscribed after Redis came back");
            try (UnifiedJedis redis = REDIS.settings().newClient()) {
                DeliveryBus bus = new DeliveryBus(redis, new RoutingRegistry(redis, Duration.ofSeconds(30),
                        Clock.systemUTC()), Clock.systemUTC());
                assertEquals(1, bus.toConnection("gw-f.1", ServerEvent.CHAT_UPDATED, Empty.getDefaultInstance()));
                DeliveryFrame frame = inbox.next();
                assertEquals("chat:updated", frame.getEvent());
                assertEquals("gw-f.1", frame.getConnectionId());
            }
        }
    }

    @Test
    void aMalformedPayloadIsDroppedAndLaterFramesStillArrive() throws Exception {
        byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        assertThrows(InvalidProtocolBufferException.class, () -> DeliveryFrame.parseFrom(garbage),
                "the payload must really be malformed for this test to mean anything");
        byte[] channel = "gw:{gw-m}:inbox".getBytes(StandardCharsets.UTF_8);
        byte[] valid = DeliveryFrame.newBuilder().setEvent("after:garbage").setConnectionId("gw-m.1").build()
                .toByteArray();

        try (CollectingInbox inbox = CollectingInbox.start(REDIS.settings(), "gw-m");
             Jedis jedis = new Jedis(REDIS.url())) {
            assertEquals(1L, jedis.sendCommand(Protocol.Command.SPUBLISH, channel, garbage),
                    "the garbage reached the subscriber");
            assertEquals(1L, jedis.sendCommand(Protocol.Command.SPUBLISH, channel, valid));

            assertEquals("after:garbage", inbox.next().getEvent(), "nothing was handed on for the garbage");
            assertTrue(inbox.subscriber.isSubscribed());
        }
    }

    @Test
    void aHandlerThatThrowsDoesNotStopTheSubscription() throws Exception {
        BlockingQueue<DeliveryFrame> received = new LinkedBlockingQueue<>();
        AtomicBoolean failNext = new AtomicBoolean(true);
        byte[] channel = "gw:{gw-h}:inbox".getBytes(StandardCharsets.UTF_8);
        try (InboxSubscriber subscriber = new InboxSubscriber(REDIS.settings(), "gw-h", frame -> {
            received.add(frame);
            if (failNext.getAndSet(false)) {
                throw new IllegalStateException("handler bug");
            }
        });
             Jedis jedis = new Jedis(REDIS.url())) {
            subscriber.start();
            awaitTrue(subscriber::isSubscribed, CollectingInbox.WAIT, "subscribed");

            jedis.sendCommand(Protocol.Command.SPUBLISH, channel,
                    DeliveryFrame.newBuilder().setEvent("first").build().toByteArray());
            jedis.sendCommand(Protocol.Command.SPUBLISH, channel,
                    DeliveryFrame.newBuilder().setEvent("second").build().toByteArray());

            assertEquals("first", received.poll(5, TimeUnit.SECONDS).getEvent());
            DeliveryFrame second = received.poll(5, TimeUnit.SECONDS);
            assertEquals("second", second == null ? null : second.getEvent());
            assertTrue(subscriber.isSubscribed());
        }
    }

    @Test
    void closeUnsubscribesAndEndsTheSubscriberThread() throws Exception {
        byte[] channel = "gw:{gw-c}:inbox".getBytes(StandardCharsets.UTF_8);
        CollectingInbox inbox = CollectingInbox.start(REDIS.settings(), "gw-c");
        try (Jedis jedis = new Jedis(REDIS.url())) {
            assertEquals(1L, shardSubscribers(jedis, "gw:{gw-c}:inbox"));

            inbox.close();

            awaitTrue(() -> !threadAlive("inbox-gw-c"), CollectingInbox.WAIT, "subscriber thread ended");
            assertFalse(inbox.subscriber.isSubscribed());
            awaitTrue(() -> shardSubscribers(jedis, "gw:{gw-c}:inbox") == 0, CollectingInbox.WAIT,
                    "Redis dropped the subscription");
            assertEquals(0L, jedis.sendCommand(Protocol.Command.SPUBLISH, channel,
                    DeliveryFrame.newBuilder().setEvent("too:late").build().toByteArray()));
            assertEquals(List.of(), List.copyOf(inbox.frames));
        }
    }

    @Test
    void closeWhileRedisIsDownStopsReconnecting() throws Exception {
        CollectingInbox inbox = CollectingInbox.start(REDIS.settings(), "gw-d");
        REDIS.stop();
        try {
            awaitTrue(() -> !inbox.subscriber.isSubscribed(), CollectingInbox.WAIT, "lost the subscription");
            inbox.close();
        } finally {
            REDIS.startAgain();
        }

        awaitTrue(() -> !threadAlive("inbox-gw-d"), CollectingInbox.WAIT, "subscriber thread ended");
        try (Jedis jedis = new Jedis(REDIS.url())) {
            assertEquals(0L, shardSubscribers(jedis, "gw:{gw-d}:inbox"));
        }
        assertFalse(inbox.subscriber.isSubscribed());
    }

    private static long shardSubscribers(Jedis jedis, String channel) {
        List<?> reply = (List<?>) jedis.sendCommand(Protocol.Command.PUBSUB, "SHARDNUMSUB", channel);
        return (Long) reply.get(1);
    }

    private static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }
}
