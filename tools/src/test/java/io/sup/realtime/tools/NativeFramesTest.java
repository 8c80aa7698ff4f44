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
}
