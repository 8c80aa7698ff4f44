package io.sup.realtime.gateway.protocol;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Native protocol framing: what decodes, what is refused with which reason, and how output is framed. */
class NativeCodecTest {
    private final NativeCodec codec = new NativeCodec(new WireCodec.Heartbeat(Duration.ofSeconds(30), Duration.ofSeconds(20)));

    @Test
    void decodesEventWithAckIdAndData() throws FrameException {
        ClientEvent e = codec.decode("{\"event\":\"message:new\",\"id\":7,\"data\":{\"chatId\":\"c1\",\"content\":\"hi\"}}");
        assertEquals(new ClientEvent("message:new", 7, "{\"chatId\":\"c1\",\"content\":\"hi\"}"), e);
    }

    @Test
    void eventWithoutIdWantsNoAckAndMissingDataIsEmptyObject() throws FrameException {
        ClientEvent e = codec.decode("{\"event\":\"chat:join\"}");
        assertEquals(-1, e.ackId());
        assertEquals("{}", e.dataJson());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "{\"event\":", "[1,2]", "\"str\"", "42", "null"})
    void nonObjectsAndBrokenJsonAreRefused(String frame) {
        FrameException e = assertThrows(FrameException.class, () -> codec.decode(frame));
        assertEquals(true, e.getMessage().startsWith("frame "), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"event\":\"a\"} {\"event\":\"b\"}", "{\"event\":\"a\"}x", "{\"event\":\"a\"}]"})
    void trailingContentAfterTheObjectIsRefused(String frame) {
        assertThrows(FrameException.class, () -> codec.decode(frame));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"event\":7}", "{\"event\":\"\"}", "{\"event\":null}",
            "{\"event\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}"})
    void eventMustBeAShortString(String frame) {
        assertThrows(FrameException.class, () -> codec.decode(frame));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "1.5", "\"7\"", "9007199254740992", "1e400", "true"})
    void ackIdMustBeASafeWholeNumber(String id) {
        assertThrows(FrameException.class, () -> codec.decode("{\"event\":\"x\",\"id\":" + id + "}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "\"text\"", "1", "true"})
    void dataMustBeAnObject(String data) {
        assertThrows(FrameException.class, () -> codec.decode("{\"event\":\"x\",\"data\":" + data + "}"));
    }

    @Test
    void encodesEventsAndAcks() {
        assertEquals("{\"event\":\"message:new\",\"data\":{\"a\":1}}", codec.event("message:new", "{\"a\":1}"));
        assertEquals("{\"ack\":3,\"data\":{\"success\":true}}", codec.ack(3, Replies.success("{}")));
        assertEquals("{\"event\":\"quote\\\"d\",\"data\":{}}", codec.event("quote\"d", "{}"));
    }

    @Test
    void repliesHaveOneShape() {
        assertEquals("{\"success\":true,\"chatId\":\"c1\"}", Replies.success("{\"chatId\":\"c1\"}"));
        assertEquals("{\"success\":false,\"error\":{\"code\":\"FORBIDDEN\",\"message\":\"no\"}}",
                Replies.failure(ErrorCode.FORBIDDEN, "no"));
        assertEquals("{\"success\":false,\"error\":{\"code\":\"RATE_LIMITED\",\"message\":\"slow\",\"retryAfterMs\":1500}}",
                Replies.failure(ErrorCode.RATE_LIMITED, "slow", 1500));
        assertEquals("{\"code\":\"INVALID_ARGUMENT\",\"message\":\"m\",\"event\":\"chat:join\"}",
                Replies.errorEvent(ErrorCode.INVALID_ARGUMENT, "m", "chat:join"));
    }
}
