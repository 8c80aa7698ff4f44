package io.sup.realtime.messaging.grpc;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import io.sup.realtime.messaging.RunningMessagingService;
import io.sup.realtime.messaging.TestLimits;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.proto.messaging.v1.CreateChatRequest;
import io.sup.realtime.proto.messaging.v1.Message;
import io.sup.realtime.proto.messaging.v1.SendMessageRequest;
import io.sup.realtime.proto.messaging.v1.SyncMessagesRequest;
import io.sup.realtime.proto.messaging.v1.SyncMessagesResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

import static io.sup.realtime.messaging.RunningMessagingService.caller;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code SyncMessages} through gRPC against the running service with a short history
 * ({@code messaging.history.length} = 10; MAXLEN ~ trims whole stream nodes): {@code truncated}
 * is true exactly when the message right after {@code after_seq} is no longer kept, and false
 * when nothing after the position was lost, including from the oldest kept message on.
 */
class SyncReportsTruncatedHistoryOverGrpcTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final int SENT = 150;

    private static RunningMessagingService service;
    private long oldestKept;

    @BeforeAll
    static void start() {
        Map<String, String> settings = new HashMap<>(TestLimits.generousSettings());
        settings.put("messaging.history.length", "10");
        service = RunningMessagingService.start(REDIS, settings);
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @BeforeEach
    void fillAChatPastItsHistory() {
        service.admin().createChat(CreateChatRequest.newBuilder()
                .setId("c1").addAllMemberIds(List.of("alice", "bob")).build());
        for (int i = 1; i <= SENT; i++) {
            service.messaging().sendMessage(SendMessageRequest.newBuilder().setCaller(caller("alice", "gw1"))
                    .setChatId("c1").setContent("m" + i).build());
        }
        try (UnifiedJedis redis = REDIS.settings().newClient()) {
            oldestKept = redis.xrange("msg:{c1}:log", "-", "+", 1).getFirst().getID().getTime();
            long kept = redis.xlen("msg:{c1}:log");
            assertTrue(oldestKept > 2 && kept < SENT, "the log was trimmed: " + kept + " kept from seq " + oldestKept);
        }
    }

    @Test
    void aPositionWhoseNextMessagesWereTrimmedIsTruncated() {
        SyncMessagesResponse fromStart = sync(0, 50);
        SyncMessagesResponse justBefore = sync(oldestKept - 2, 50);

        assertTrue(fromStart.getTruncated(), "messages 1.." + (oldestKept - 1) + " are gone");
        assertEquals(oldestKept, fromStart.getMessages(0).getSeq(), "the page starts at the oldest kept message");
        assertEquals(SENT, fromStart.getLastSeq());
        assertTrue(justBefore.getTruncated(), "message " + (oldestKept - 1) + " is gone");
        assertEquals(oldestKept, justBefore.getMessages(0).getSeq());
    }

    @Test
    void aPositionWithNothingLostAfterItIsNotTruncated() {
        SyncMessagesResponse atTheOldestKept = sync(oldestKept - 1, 50);
        SyncMessagesResponse recent = sync(SENT - 5, 50);
        SyncMessagesResponse upToDate = sync(SENT, 50);

        assertFalse(atTheOldestKept.getTruncated(), "nothing after " + (oldestKept - 1) + " is gone");
        assertEquals(oldestKept, atTheOldestKept.getMessages(0).getSeq());
        assertFalse(recent.getTruncated(), "nothing after " + (SENT - 5) + " is gone");
        assertEquals(LongStream.rangeClosed(SENT - 4, SENT).boxed().toList(),
                recent.getMessagesList().stream().map(Message::getSeq).toList());
        assertFalse(recent.getHasMore());
        assertFalse(upToDate.getTruncated(), "up to date");
        assertEquals(0, upToDate.getMessagesCount());
    }

    private static SyncMessagesResponse sync(long afterSeq, int limit) {
        return service.messaging().syncMessages(SyncMessagesRequest.newBuilder().setCaller(caller("bob", "gw2"))
                .setChatId("c1").setAfterSeq(afterSeq).setLimit(limit).build());
    }
}
