package io.sup.realtime.platform.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.InvalidProtocolBufferException;
import io.sup.realtime.proto.gateway.v1.ConnectionBatch;
import io.sup.realtime.proto.gateway.v1.ConnectionEvent;
import io.sup.realtime.proto.gateway.v1.DeliveryFrame;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * {@link ProtoJson#merge} takes no value JsonFormat would coerce: a field of the wrong JSON
 * type, or a string with an unpaired surrogate, is refused with a message naming the field.
 */
class ProtoJsonRefusesWrongTypesTest {

    private static String refusal(String json) {
        return assertThrows(InvalidProtocolBufferException.class,
                () -> ProtoJson.merge(json, ConnectionEvent.newBuilder())).getMessage();
    }

    @ParameterizedTest
    @ValueSource(strings = {"123", "true", "[\"alice\"]", "{\"x\":1}"})
    void aStringFieldTakesOnlyAString(String value) {
        assertEquals("\"connection.userId\" must be a string", refusal("{\"connection\":{\"userId\":" + value + "}}"));
    }

    @Test
    void aMessageFieldTakesOnlyAnObject() {
        assertEquals("\"connection\" must be an object", refusal("{\"connection\":\"alice\"}"));
    }

    @Test
    void aNumberFieldTakesANumberOrANumericStringButNotABoolean() throws Exception {
        ConnectionEvent.Builder b = ConnectionEvent.newBuilder();
        ProtoJson.merge("{\"atMs\":\"9007199254740993\"}", b);
        assertEquals(9_007_199_254_740_993L, b.getAtMs());
        assertEquals("\"atMs\" must be a number", refusal("{\"atMs\":true}"));
    }

    @Test
    void numericStringsMustUseAsciiDigits() {
        assertEquals("\"atMs\" must be a number", refusal("{\"atMs\":\"\uFF11\"}"));
        assertEquals("\"atMs\" must be a number", refusal("{\"atMs\":\" 1\"}"));
    }

    @Test
    void mapValuesAreCheckedToo() throws Exception {
        String json = "{\"encrypted\":{\"ciphertext\":\"x\",\"metadata\":{\"a\":1}}}";
        assertEquals("\"encrypted.metadata.a\" must be a string", assertThrows(InvalidProtocolBufferException.class,
                () -> ProtoJson.merge(json, io.sup.realtime.proto.messaging.v1.SendMessageRequest.newBuilder())).getMessage());
    }

    @Test
    void aRepeatedFieldTakesOnlyAnArrayOfItsType() {
        assertEquals("\"connections\" must be an array", assertThrows(InvalidProtocolBufferException.class,
                () -> ProtoJson.merge("{\"connections\":{}}", ConnectionBatch.newBuilder())).getMessage());
        assertEquals("\"excludeConnectionIds[]\" must be a string", assertThrows(InvalidProtocolBufferException.class,
                () -> ProtoJson.merge("{\"excludeConnectionIds\":[1]}", DeliveryFrame.newBuilder())).getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"a\\ud800b\"", "\"\\udc00\"", "\"end\\ud83d\""})
    void unpairedSurrogatesAreNotValidText(String value) {
        assertEquals("\"connection.userId\" must be valid Unicode text", refusal("{\"connection\":{\"userId\":" + value + "}}"));
    }

    @Test
    void validTextNullsAndUnknownFieldsPass() throws Exception {
        ConnectionEvent.Builder b = ConnectionEvent.newBuilder();
        ProtoJson.merge("{\"connection\":{\"userId\":\"\\ud83d\\ude00 ok\",\"deviceId\":null},\"whatever\":[1,{}]}", b);
        assertEquals("\uD83D\uDE00 ok", b.getConnection().getUserId());
    }

    @Test
    void nonObjectsAndBrokenJsonAreRefused() {
        assertEquals("expected a JSON object", refusal("[1]"));
        assertEquals("not valid JSON", refusal("{\"connection\":"));
    }
}
