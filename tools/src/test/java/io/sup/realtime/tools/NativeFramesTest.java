package io.sup.realtime.tools;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The native protocol's client frames and how received frames print. */
class NativeFramesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void messageNewCarriesChatContentTypeTextAndTempIdWithAnAckId() throws Exception {
        String frame = NativeFrames.messageNew(7, "c1", "hi \"there\"\nsecond line", "t-1");

        assertEquals("{\"event\":\"message:new\",\"id\":7,\"data\":{\"chatId\":\"c1\",\"content\":\"hi \\\"there\\\"\\nsecond line\","
                + "\"type\":\"text\",\"tempId\":\"t-1\"}}", frame);
        JsonNode parsed = JSON.readTree(frame);
        assertEquals("hi \"there\"\nsecond line", parsed.path("data").path("content").asText());
    }

    @Test
    void joinIsChatJoinWithTheChatId() {
        assertEquals("{\"event\":\"chat:join\",\"id\":1,\"data\":{\"chatId\":\"c1\"}}", NativeFrames.join(1, "c1"));
    }

    @Test
    void anyEventTakesAJsonObjectAndDefaultsToAnEmptyOne() {
        assertEquals("{\"event\":\"message:typing\",\"id\":3,\"data\":{\"chatId\":\"c1\"}}",
                NativeFrames.event("message:typing", 3, " {\"chatId\": \"c1\"} "));
        assertEquals("{\"event\":\"presence:get\",\"id\":4,\"data\":{}}", NativeFrames.event("presence:get", 4, ""));
    }

    @Test
    void anyEventRefusesDataThatIsNotAJsonObject() {
        for (String bad : List.of("[1,2]", "\"text\"", "42", "{broken")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NativeFrames.event("x", 1, bad), bad);
            assertTrue(e.getMessage().contains("JSON"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> NativeFrames.event(" ", 1, "{}"));
    }

    @Test
    void tempIdsAreFreshAndShortEnoughForTheGateway() {
        String a = NativeFrames.newTempId();
        assertNotEquals(a, NativeFrames.newTempId());
        assertTrue(a.length() <= 64, a);
    }

    @Test
    void ackPrintsAsAckNumberAndData() {
        assertEquals(List.of("<< ack 3: {\"success\":true,\"chatId\":\"c1\"}"),
                NativeFrames.describe("{\"ack\":3,\"data\":{\"success\":true,\"chatId\":\"c1\"}}"));
    }

    @Test
    void eventPrintsAsOneLineFrame() {
        assertEquals(List.of("<< {\"event\":\"connected\",\"data\":{\"userId\":\"alice\"}}"),
                NativeFrames.describe("{\"event\":\"connected\",\n  \"data\":{\"userId\":\"alice\"}}"));
    }

    @Test
    void deliveredMessageAlsoPrintsReadably() {
        String frame = "{\"event\":\"message:new\",\"data\":{\"id\":\"5\",\"chatId\":\"c1\",\"seq\":\"5\",\"senderId\":\"alice\","
                + "\"senderDeviceId\":\"d1\",\"type\":\"text\",\"content\":\"hello\\nworld\",\"tempId\":\"t-1\"}}";

        List<String> lines = NativeFrames.describe(frame);

        assertEquals(2, lines.size());
        assertTrue(lines.get(0).startsWith("<< {\"event\":\"message:new\""), lines.get(0));
        assertEquals("[c1] alice: hello\\nworld", lines.get(1));
    }

    @Test
    void nonTextMessageShowsItsType() {
        assertEquals("[c1] bob (image): https://example.test/a.png", NativeFrames.describe(
                "{\"event\":\"message:new\",\"data\":{\"chatId\":\"c1\",\"senderId\":\"bob\",\"type\":\"image\","
                        + "\"content\":\"https://example.test/a.png\"}}").get(1));
    }

    @Test
    void framesThatAreNotJsonObjectsPrintAsIs() {
        assertEquals(List.of("<< not json\\nat all"), NativeFrames.describe("not json\nat all"));
        assertEquals(List.of("<< [1,2]"), NativeFrames.describe("[1,2]"));
    }

    @Test
    void presenceUpdateSendsCustomStatusOnlyWhenGiven() {
        assertEquals("{\"event\":\"presence:update\",\"id\":1,\"data\":{\"status\":\"away\"}}",
                NativeFrames.presenceUpdate(1, "away", null));
        assertEquals("{\"event\":\"presence:update\",\"id\":2,\"data\":{\"status\":\"online\",\"customStatus\":\"\"}}",
                NativeFrames.presenceUpdate(2, "online", ""));
        assertEquals("{\"event\":\"presence:update\",\"id\":3,\"data\":{\"status\":\"busy\",\"customStatus\":\"on \\\"air\\\"\"}}",
                NativeFrames.presenceUpdate(3, "busy", "on \"air\""));
    }

    @Test
    void subscribeAndUnsubscribeCarryTheUserIds() {
        assertEquals("{\"event\":\"presence:subscribe\",\"id\":4,\"data\":{\"userIds\":[\"bob\",\"carol\"]}}",
                NativeFrames.presenceSubscribe(4, List.of("bob", "carol")));
        assertEquals("{\"event\":\"presence:unsubscribe\",\"id\":5,\"data\":{\"userIds\":[\"bob\"]}}",
                NativeFrames.presenceUnsubscribe(5, List.of("bob")));
    }

    @Test
    void presencePrintsInWordsWithLastSeenInUtcToTheSecond() throws Exception {
        assertEquals("bob is away — \"in a meeting\" (last seen 2026-12-01 14:03:12 UTC)", NativeFrames.readablePresence(JSON.readTree(
                "{\"userId\":\"bob\",\"status\":\"away\",\"lastSeen\":\"2026-12-01T14:03:12.987Z\",\"customStatus\":\"in a meeting\"}")));
        assertEquals("bob is online", NativeFrames.readablePresence(JSON.readTree(
                "{\"userId\":\"bob\",\"status\":\"online\",\"lastSeen\":\"2026-12-01T14:03:12.000Z\"}")), "online: seen now");
        assertEquals("bob is busy — \"on air\\nback at 3\"", NativeFrames.readablePresence(JSON.readTree(
                "{\"userId\":\"bob\",\"status\":\"busy\",\"customStatus\":\"on air\\nback at 3\"}")));
        assertEquals("carol is offline (last seen 2026-12-01 13:00:00 UTC)", NativeFrames.readablePresence(JSON.readTree(
                "{\"userId\":\"carol\",\"status\":\"offline\",\"lastSeen\":\"2026-12-01t14:00:00+01:00\",\"customStatus\":\"\"}")));
        assertEquals("carol is offline (last seen yesterday)", NativeFrames.readablePresence(JSON.readTree(
                "{\"userId\":\"carol\",\"status\":\"offline\",\"lastSeen\":\"yesterday\"}")), "not RFC 3339: as it came");
        assertEquals("carol: never seen", NativeFrames.readablePresence(JSON.readTree("{\"userId\":\"carol\",\"status\":\"offline\"}")));
        assertEquals("dave: never seen", NativeFrames.readablePresence(JSON.readTree(
                "{\"userId\":\"dave\",\"status\":\"offline\",\"lastSeen\":\"\"}")));
    }

    @Test
    void presenceUpdateEventAlsoPrintsReadably() {
        String frame = "{\"event\":\"presence:update\",\"data\":{\"userId\":\"bob\",\"status\":\"away\","
                + "\"lastSeen\":\"2026-12-01T14:03:12.345Z\"}}";

        assertEquals(List.of("<< " + frame, "bob is away (last seen 2026-12-01 14:03:12 UTC)"), NativeFrames.describe(frame));
        assertEquals(1, NativeFrames.describe("{\"ack\":2,\"data\":{\"success\":true,\"status\":\"away\"}}").size(),
                "the ack of the client's own presence:update prints as any ack");
    }

    @Test
    void subscriptionPrintsEachPresenceThenWhoIsNotVisible() throws Exception {
        JsonNode ack = JSON.readTree("{\"success\":true,\"userIds\":[\"bob\",\"carol\"],\"presences\":["
                + "{\"userId\":\"bob\",\"status\":\"online\",\"lastSeen\":\"2026-12-01T14:03:12.345Z\"},"
                + "{\"userId\":\"carol\",\"status\":\"offline\"}]}");

        assertEquals(List.of("bob is online", "carol: never seen", "not visible: dave, erin"),
                NativeFrames.readableSubscription(List.of("bob", "dave", "carol", "erin"), ack));
        assertEquals(List.of("bob is online", "carol: never seen"), NativeFrames.readableSubscription(List.of("bob", "carol"), ack));
        assertEquals(List.of("not visible: zed"), NativeFrames.readableSubscription(List.of("zed"),
                JSON.readTree("{\"success\":true,\"userIds\":[],\"presences\":[]}")));
        assertEquals(List.of("not visible: zed, yan"), NativeFrames.readableSubscription(List.of("zed", "yan"),
                JSON.readTree("{\"success\":true}")), "the server leaves an empty list out");
    }

    @Test
    void refusalNamesTheCodeAndMessage() throws Exception {
        assertEquals("status not set (RATE_LIMITED): presence:update rate limit: 20 per 60 s; retry in 900 ms",
                NativeFrames.refusal("status not set", JSON.readTree("{\"success\":false,\"error\":{\"code\":\"RATE_LIMITED\","
                        + "\"message\":\"presence:update rate limit: 20 per 60 s; retry in 900 ms\",\"retryAfterMs\":900}}")));
    }
}
