package io.sup.realtime.messaging.messages;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.sup.realtime.messaging.Actor;
import io.sup.realtime.messaging.DroppedNotifications;
import io.sup.realtime.messaging.TestLimits;
import io.sup.realtime.messaging.chats.ChatService;
import io.sup.realtime.messaging.chats.ChatStore;
import io.sup.realtime.messaging.chats.RecordingChatEvents;
import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The message shapes beyond plain text, on a real Redis: replies within a chat, forwards
 * from a chat the sender can read (content copied), and encrypted payloads stored and read
 * back untouched.
 */
class RepliesForwardsAndEncryptedContentTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();
    private static final Actor ALICE = new Actor("alice", "a1", "gw.1");
    private static final Actor BOB = new Actor("bob", "b1", "gw.2");

    private UnifiedJedis redis;
    private MessageService messages;
    private MessageStore store;

    @BeforeEach
    void setUp() {
        redis = REDIS.settings().newClient();
        Clock clock = Clock.systemUTC();
        ChatStore chatStore = new ChatStore(redis);
        ChatService chats = new ChatService(chatStore, 10, clock, new RecordingChatEvents(),
                DroppedNotifications.CHATS, TestLimits.defaults());
        chats.create("c1", "", List.of("alice", "bob"));
        chats.create("c2", "", List.of("alice"));
        store = new MessageStore(redis, 1_000, Duration.ofHours(1));
        messages = new MessageService(chatStore, store, (m, r, c, ahead) -> List.of(),
                DroppedNotifications.MESSAGES, 65_536, clock, TestLimits.defaults());
    }

    @AfterEach
    void tearDown() {
        redis.close();
    }

    private static Draft reply(String content, String replyTo) {
        return new Draft("text", content, "", null, replyTo, "", "");
    }

    @Test
    void aReplyNamesAMessageOfTheSameChat() {
        StoredMessage first = messages.send(ALICE, "c1", "text", "question?", "");
        StoredMessage answer = messages.send(BOB, "c1", reply("answer!", first.id()));

        assertEquals("1", answer.replyTo());
        assertEquals("1", store.read("c1", answer.seq()).replyTo());
        messages.send(ALICE, "c2", "text", "elsewhere", "");
        assertEquals("replyTo is not a message of chat c1", assertThrows(ServiceException.class,
                () -> messages.send(BOB, "c1", reply("x", "99"))).getMessage());
        assertEquals(ServiceException.Kind.INVALID_ARGUMENT,
                assertThrows(ServiceException.class, () -> messages.send(BOB, "c1", reply("x", "abc"))).kind());
    }

    @Test
    void aNonMemberLearnsNothingFromReplyIdsOrPayloadErrors() {
        messages.send(ALICE, "c2", "text", "one", "");
        Actor outsider = new Actor("bob", "b1", "gw.2"); // bob is not in c2
        for (Draft probe : List.of(reply("x", "1"), reply("x", "99"), new Draft("bogus", "", "", null, "", "", ""))) {
            assertEquals(ServiceException.Kind.PERMISSION_DENIED,
                    assertThrows(ServiceException.class, () -> messages.send(outsider, "c2", probe)).kind());
            assertEquals(ServiceException.Kind.PERMISSION_DENIED,
                    assertThrows(ServiceException.class, () -> messages.send(outsider, "no-such-chat", probe)).kind());
        }
    }

    @Test
    void aForwardCopiesTheOriginalAndNamesItsSender() {
        StoredMessage original = messages.send(ALICE, "c2", "image", "photo-url", "");

        StoredMessage forwarded = messages.send(ALICE, "c1", new Draft("", "", "", null, "", "c2", original.id()));

        assertEquals("image", forwarded.type());
        assertEquals("photo-url", forwarded.content());
        assertEquals(new StoredMessage.ForwardedFrom("c2", "1", "alice"), forwarded.forwardedFrom());
        assertEquals(forwarded, store.read("c1", forwarded.seq()));
    }

    @Test
    void onlyReadableMessagesCanBeForwardedAndOnlyAsTheyAre() {
        messages.send(ALICE, "c2", "text", "private", "");
        assertEquals(ServiceException.Kind.PERMISSION_DENIED, assertThrows(ServiceException.class,
                () -> messages.send(BOB, "c1", new Draft("", "", "", null, "", "c2", "1"))).kind());
        assertEquals(ServiceException.Kind.INVALID_ARGUMENT, assertThrows(ServiceException.class,
                () -> messages.send(ALICE, "c1", new Draft("", "", "", null, "", "c2", "7"))).kind());
        assertEquals(ServiceException.Kind.INVALID_ARGUMENT, assertThrows(ServiceException.class,
                () -> messages.send(ALICE, "c1", new Draft("", "edited", "", null, "", "c2", "1"))).kind());
    }

    @Test
    void encryptedContentIsStoredAndReadBackUntouched() {
        var payload = new StoredMessage.Encrypted("AAECAwQ=+/==", Map.of("alg", "x25519-aes256gcm", "keyId", "k-17",
                "iv", "3q2+7w=="));
        StoredMessage sent = messages.send(ALICE, "c1", new Draft("file", "", "t-enc", payload, "", "", ""));

        assertEquals("", sent.content());
        assertEquals(payload, sent.encrypted());
        StoredMessage read = store.read("c1", sent.seq());
        assertEquals(payload.ciphertext(), read.encrypted().ciphertext());
        assertEquals(payload.metadata(), read.encrypted().metadata());
        assertNull(store.read("c1", messages.send(ALICE, "c1", "text", "plain", "").seq()).encrypted());
    }

    @Test
    void encryptedPayloadsMustBeWellFormed() {
        var tooMany = new java.util.HashMap<String, String>();
        for (int i = 0; i < 17; i++) {
            tooMany.put("k" + i, "v");
        }
        for (Draft bad : List.of(
                new Draft("text", "also plain", "", new StoredMessage.Encrypted("abc", Map.of()), "", "", ""),
                new Draft("text", "", "", new StoredMessage.Encrypted("", Map.of()), "", "", ""),
                new Draft("text", "", "", new StoredMessage.Encrypted("abc", tooMany), "", "", ""),
                new Draft("text", "", "", new StoredMessage.Encrypted("abc", Map.of("bad key", "v")), "", "", ""),
                new Draft("text", "", "", new StoredMessage.Encrypted("x".repeat(65_537), Map.of()), "", "", ""))) {
            assertEquals(ServiceException.Kind.INVALID_ARGUMENT,
                    assertThrows(ServiceException.class, () -> messages.send(ALICE, "c1", bad)).kind());
        }
        assertEquals(0, redis.xlen("msg:{c1}:log"));
    }
}
