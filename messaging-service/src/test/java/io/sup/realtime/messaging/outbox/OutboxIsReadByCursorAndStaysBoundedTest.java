package io.sup.realtime.messaging.outbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.grpc.Status;
import io.sup.realtime.messaging.RunningMessagingService;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.proto.messaging.v1.ChangeMembersRequest;
import io.sup.realtime.proto.messaging.v1.CreateChatRequest;
import io.sup.realtime.proto.messaging.v1.ListNotificationOutboxRequest;
import io.sup.realtime.proto.messaging.v1.OutboxEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

import static io.sup.realtime.messaging.GrpcAssertions.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reading the notification outbox through {@code ChatAdminService.ListNotificationOutbox}:
 * records after the cursor (exclusive), oldest first, {@code limit} of them (0: 100, at most
 * 1,000); a malformed cursor or limit is INVALID_ARGUMENT; the stream is trimmed to about
 * {@code messaging.outbox.max.entries} and a reader starting from nothing gets the oldest kept.
 * The records here are {@code members_added} ones, one per AddMembers of a new user.
 */
class OutboxIsReadByCursorAndStaysBoundedTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final int BOUND = 10;

    private static RunningMessagingService service;
    private static RunningMessagingService bounded;

    @BeforeAll
    static void start() {
        service = RunningMessagingService.start(REDIS, Map.of());
        bounded = RunningMessagingService.start(REDIS, Map.of("messaging.outbox.max.entries", Integer.toString(BOUND)));
    }

    @AfterAll
    static void stop() {
        service.close();
        bounded.close();
    }

    @BeforeEach
    void createChat() {
        service.admin().createChat(CreateChatRequest.newBuilder().setId("c1").addMemberIds("alice").build());
    }

    @Test
    void pagesFollowTheCursorOldestFirstWithoutGapsOrRepeats() {
        List<String> added = addOneByOne(service, 120);

        List<OutboxEntry> first = read("", 0);
        assertEquals(100, first.size(), "limit 0 reads 100");
        List<OutboxEntry> rest = read(first.getLast().getId(), 0);
        assertEquals(20, rest.size());
        assertEquals(List.of(), read(rest.getLast().getId(), 0), "nothing after the newest");

        List<String> paged = new ArrayList<>();
        String cursor = "";
        for (List<OutboxEntry> page = read(cursor, 7); !page.isEmpty(); page = read(cursor, 7)) {
            assertTrue(page.size() <= 7);
            page.forEach(e -> paged.add(e.getAddedIds(0)));
            cursor = page.getLast().getId();
        }
        assertEquals(added, paged, "every record once, in the order written");
        assertEquals(120, read("", 1000).size());
        assertEquals(added.subList(3, 4), read(first.get(2).getId(), 1).stream().map(e -> e.getAddedIds(0)).toList(),
                "after is exclusive");
    }

    @Test
    void malformedCursorsAndLimitsAreInvalidArgument() {
        addOneByOne(service, 1);
        for (String cursor : List.of("abc", "1", "1-", "-1-0", "1-2-3", " 1-0", "1-0 ", "99999999999999999999-0",
                "18446744073709551616-0", "1-18446744073709551616")) {
            assertStatus(Status.Code.INVALID_ARGUMENT, () -> read(cursor, 10));
        }
        for (int limit : List.of(-1, 1001, Integer.MAX_VALUE)) {
            assertStatus(Status.Code.INVALID_ARGUMENT, () -> read("", limit));
        }

        assertEquals(1, read("0-0", 1000).size(), "the smallest id is a cursor");
        assertEquals(List.of(), read("18446744073709551615-18446744073709551615", 1), "nothing after the largest id");
    }

    @Test
    void theOutboxIsTrimmedToAboutItsBoundAndReadersStartAtTheOldestKept() {
        bounded.admin().createChat(CreateChatRequest.newBuilder().setId("c2").addMemberIds("alice").build());
        List<String> added = addOneByOne(bounded, 300, "c2");

        try (UnifiedJedis redis = REDIS.settings().newClient()) {
            long kept = redis.xlen("msg:outbox");
            // MAXLEN ~ trims whole stream nodes (100 entries by default): at most one node over.
            assertTrue(kept >= BOUND && kept <= BOUND + 100, "kept " + kept);
            List<String> read = read("", 1000).stream().map(e -> e.getAddedIds(0)).toList();
            assertEquals(kept, read.size());
            assertEquals(added.subList(added.size() - read.size(), added.size()), read, "the newest are kept");
        }
    }

    private static List<String> addOneByOne(RunningMessagingService target, int count) {
        return addOneByOne(target, count, "c1");
    }

    /** {@code count} AddMembers of a new user each: one record each. */
    private static List<String> addOneByOne(RunningMessagingService target, int count, String chatId) {
        List<String> users = IntStream.range(0, count).mapToObj(i -> "user-" + i).toList();
        users.forEach(user -> target.admin().addMembers(ChangeMembersRequest.newBuilder().setChatId(chatId)
                .addUserIds(user).build()));
        return users;
    }

    private static List<OutboxEntry> read(String after, int limit) {
        return service.admin().listNotificationOutbox(ListNotificationOutboxRequest.newBuilder().setAfter(after)
                .setLimit(limit).build()).getEntriesList();
    }
}
