package io.sup.realtime.messaging.outbox;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.sup.realtime.messaging.RunningMessagingService;
import io.sup.realtime.messaging.TestLimits;
import io.sup.realtime.platform.bus.RoutingRegistry;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.platform.testing.RouteAnnouncements;
import io.sup.realtime.proto.messaging.v1.ChangeMembersRequest;
import io.sup.realtime.proto.messaging.v1.CreateChatRequest;
import io.sup.realtime.proto.messaging.v1.EncryptedContent;
import io.sup.realtime.proto.messaging.v1.ListNotificationOutboxRequest;
import io.sup.realtime.proto.messaging.v1.Message;
import io.sup.realtime.proto.messaging.v1.OutboxEntry;
import io.sup.realtime.proto.messaging.v1.SendMessageRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
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
 * What the running service writes to the notification outbox ({@code msg:outbox}), read
 * back through {@code ChatAdminService.ListNotificationOutbox}: one {@code message} record
 * for a message that mentions a member, replies to another member's message, or reaches a
 * member with no live connection (a member is "online" here when a gateway's route for it
 * is registered, as a gateway does); none, and not one Redis command more, for an ordinary
 * message to online members; one {@code members_added} record for the users AddMembers
 * newly added, none for CreateChat.
 */
class OutboxRecordsWhatSomeoneIsToBeToldTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static RunningMessagingService service;

    private UnifiedJedis redis;
    private RoutingRegistry registry;

    @BeforeAll
    static void start() {
        Map<String, String> settings = new HashMap<>(TestLimits.generousSettings());
        // Typing is swept once a minute, so no sweep's commands mix with the ones counted here.
        settings.put("messaging.typing.ttl.ms", "600000");
        service = RunningMessagingService.start(REDIS, settings);
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @BeforeEach
    void setUp() {
        redis = REDIS.settings().newClient();
        registry = new RoutingRegistry(redis, Duration.ofSeconds(30), Clock.systemUTC());
        service.admin().createChat(CreateChatRequest.newBuilder().setId("c1")
                .addAllMemberIds(List.of("alice", "bob", "carol")).build());
        RouteAnnouncements.addUser(registry, "gw-a", "alice");
        RouteAnnouncements.addUser(registry, "gw-b", "bob");
        RouteAnnouncements.addUser(registry, "gw-b", "carol");
    }

    @AfterEach
    void tearDown() {
        redis.close();
    }

    @Test
    void anOrdinaryMessageToOnlineMembersWritesNoRecordAndRunsNoCommandForIt() {
        send("alice", SendMessageRequest.newBuilder().setContent("warm-up: loads the script")); // not counted
        Map<String, Long> before = commandCalls();

        send("alice", SendMessageRequest.newBuilder().setContent("lunch? mail me at alice@example.com"));
        Map<String, Long> ordinary = delta(before, commandCalls());

        assertEquals(1, ordinary.get("evalsha"), "one append script: " + ordinary);
        assertEquals(1, ordinary.get("xadd"), "the log's XADD, inside the script, and no other: " + ordinary);
        assertEquals(0, ordinary.get("smismember"), "no mention candidates, no membership filter: " + ordinary);
        assertEquals(1, ordinary.get("zrange"), "the rate limiter's, inside the script; the members' routes are"
                + " kept since the warm-up (bus.RouteCache), so the delivery reads none: " + ordinary);
        assertEquals(2, ordinary.get("spublish"), "one frame per instance, gw-a (alice's other devices), gw-b: "
                + ordinary);
        assertFalse(redis.exists("msg:outbox"));

        Map<String, Long> beforeMention = commandCalls();
        send("alice", SendMessageRequest.newBuilder().setContent("@bob?"));
        Map<String, Long> mention = delta(beforeMention, commandCalls());
        assertEquals(1, mention.get("smismember"), "candidates filtered inside the script: " + mention);
        assertEquals(2, mention.get("xadd"), "the log's and the outbox's: " + mention);
        assertEquals(1, mention.get("evalsha"));
    }

    @Test
    void aMentionWritesOneMessageRecordWithThePreview() {
        Message sent = send("alice", SendMessageRequest.newBuilder().setType("text").setContent("hi @bob, see you"));

        OutboxEntry record = single();
        assertEquals("message", record.getKind());
        assertEquals("c1", record.getChatId());
        assertEquals(sent.getId(), record.getMessageId());
        assertEquals("alice", record.getSenderId());
        assertEquals("text", record.getMessageType());
        assertEquals(sent.getCreatedAt(), record.getCreatedAt());
        assertEquals(List.of("bob"), record.getMentionedIdsList());
        assertEquals("", record.getReplyToSenderId());
        assertEquals(List.of(), record.getOfflineIdsList());
        assertEquals("hi @bob, see you", record.getPreview());
        assertFalse(record.getEncrypted());
        assertTrue(record.getId().matches("[0-9]+-[0-9]+"), record.getId());
    }

    @Test
    void aReplyToAnotherMembersMessageNamesItsAuthorAndOnlyThat() {
        Message bobs = send("bob", SendMessageRequest.newBuilder().setContent("question"));
        Message alices = send("alice", SendMessageRequest.newBuilder().setContent("note to self"));
        send("alice", SendMessageRequest.newBuilder().setContent("answering myself").setReplyTo(alices.getId()));
        assertFalse(redis.exists("msg:outbox"), "a reply to one's own message concerns nobody else");

        Message reply = send("carol", SendMessageRequest.newBuilder().setContent("answer").setReplyTo(bobs.getId()));

        OutboxEntry record = single();
        assertEquals(reply.getId(), record.getMessageId());
        assertEquals("carol", record.getSenderId());
        assertEquals("bob", record.getReplyToSenderId());
        assertEquals(List.of(), record.getMentionedIdsList());
        assertEquals(List.of(), record.getOfflineIdsList());
    }

    @Test
    void aReplyToSomeoneWhoLeftTheChatConcernsNobody() {
        service.admin().addMembers(ChangeMembersRequest.newBuilder().setChatId("c1").addUserIds("dave").build());
        Message daves = send("dave", SendMessageRequest.newBuilder().setContent("bye"));
        service.admin().removeMembers(ChangeMembersRequest.newBuilder().setChatId("c1").addUserIds("dave").build());
        assertEquals(List.of("members_added"), records().stream().map(OutboxEntry::getKind).toList(),
                "dave's message reached everyone live and mentioned nobody");

        send("alice", SendMessageRequest.newBuilder().setContent("farewell").setReplyTo(daves.getId()));

        assertEquals(1, records().size(), "dave is no member any more");
    }

    @Test
    void aMemberWithoutALiveConnectionIsListedOfflineButNeverTheSender() {
        registry.removeUser("gw-b", "carol");
        registry.removeUser("gw-a", "alice");

        Message sent = send("alice", SendMessageRequest.newBuilder().setType("image").setContent("https://img/1"));

        OutboxEntry record = single();
        assertEquals(sent.getId(), record.getMessageId());
        assertEquals(List.of("carol"), record.getOfflineIdsList(), "the sender, offline too, is never listed");
        assertEquals(List.of(), record.getMentionedIdsList());
        assertEquals("image", record.getMessageType());
    }

    @Test
    void encryptedContentHasNoPreviewAndAPreviewNeverSplitsACharacter() {
        send("alice", SendMessageRequest.newBuilder().addMentions("bob")
                .setEncrypted(EncryptedContent.newBuilder().setCiphertext("Y2lwaGVy")));
        String emoji = "😀".repeat(130); // 260 UTF-16 units
        send("alice", SendMessageRequest.newBuilder().setContent(emoji + " @carol"));

        List<OutboxEntry> records = records();
        assertEquals(2, records.size());
        assertTrue(records.get(0).getEncrypted());
        assertEquals("", records.get(0).getPreview(), "the server never reads encrypted content");
        assertEquals(List.of("bob"), records.get(0).getMentionedIdsList());
        assertFalse(records.get(1).getEncrypted());
        assertEquals("😀".repeat(120), records.get(1).getPreview(), "120 code points");
    }

    @Test
    void addMembersRecordsOnlyTheUsersItNewlyAddedAndCreateChatNone() {
        service.admin().createChat(CreateChatRequest.newBuilder().setId("c2").addMemberIds("alice").build());
        assertFalse(redis.exists("msg:outbox"), "a chat's creation is no record");

        service.admin().addMembers(ChangeMembersRequest.newBuilder().setChatId("c1")
                .addAllUserIds(List.of("bob", "frank", "erin")).build());
        service.admin().addMembers(ChangeMembersRequest.newBuilder().setChatId("c1").addUserIds("erin").build());

        OutboxEntry record = single();
        assertEquals("members_added", record.getKind());
        assertEquals("c1", record.getChatId());
        assertEquals(List.of("frank", "erin"), record.getAddedIdsList(), "bob was a member; in the order asked");
        assertFalse(record.getCreatedAt().isEmpty());
        assertEquals("", record.getMessageId());
    }

    private static Message send(String user, SendMessageRequest.Builder request) {
        return service.messaging().sendMessage(request.setCaller(caller(user, "gw-a")).setChatId("c1").build())
                .getMessage();
    }

    private static List<OutboxEntry> records() {
        return service.admin().listNotificationOutbox(ListNotificationOutboxRequest.newBuilder().setLimit(1000).build())
                .getEntriesList();
    }

    private static OutboxEntry single() {
        List<OutboxEntry> records = records();
        assertEquals(1, records.size(), records.toString());
        return records.getFirst();
    }

    /** Calls per command so far ({@code INFO commandstats}; commands run by scripts count too). */
    private Map<String, Long> commandCalls() {
        Map<String, Long> calls = new HashMap<>();
        for (String line : redis.info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_")) {
                String name = line.substring("cmdstat_".length(), line.indexOf(':'));
                String count = line.substring(line.indexOf("calls=") + 6, line.indexOf(',', line.indexOf("calls=")));
                calls.put(name, Long.parseLong(count));
            }
        }
        return calls;
    }

    private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> delta = new HashMap<>();
        for (String command : List.of("evalsha", "xadd", "smismember", "zrange", "spublish")) {
            delta.put(command, after.getOrDefault(command, 0L) - before.getOrDefault(command, 0L));
        }
        return delta;
    }
}
