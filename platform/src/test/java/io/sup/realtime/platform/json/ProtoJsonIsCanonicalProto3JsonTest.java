package io.sup.realtime.platform.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.InvalidProtocolBufferException;
import io.sup.realtime.proto.gateway.v1.Caller;
import io.sup.realtime.proto.gateway.v1.ConnectionBatch;
import io.sup.realtime.proto.gateway.v1.ConnectionEvent;
import io.sup.realtime.proto.gateway.v1.ConnectionEventAck;
import org.junit.jupiter.api.Test;

/**
 * {@link ProtoJson} prints the canonical proto3 JSON mapping, compact: lowerCamelCase names,
 * int64 as strings, default values omitted; and parses leniently about unknown fields only.
 */
class ProtoJsonIsCanonicalProto3JsonTest {

    @Test
    void int64IsPrintedAsAStringAndNamesAreLowerCamelCase() {
        ConnectionEvent event = ConnectionEvent.newBuilder()
                .setConnection(Caller.newBuilder().setUserId("alice").setGatewayInstance("gw-a"))
                .setAtMs(9_007_199_254_740_993L) // beyond 2^53: a JSON number would lose it
                .build();

        assertEquals("{\"connection\":{\"userId\":\"alice\",\"gatewayInstance\":\"gw-a\"},"
                + "\"atMs\":\"9007199254740993\"}", ProtoJson.print(event));
    }

    @Test
    void defaultValuesAreOmitted() {
        assertEquals("{}", ProtoJson.print(ConnectionEventAck.getDefaultInstance()));
        assertEquals("{}", ProtoJson.print(ConnectionEvent.newBuilder().setAtMs(0).build()));
        assertEquals("{\"connection\":{}}", ProtoJson.print(
                ConnectionEvent.newBuilder().setConnection(Caller.newBuilder().setUserId("")).build()));
        assertEquals("{\"gatewayInstance\":\"gw-a\"}", ProtoJson.print(
                ConnectionBatch.newBuilder().setGatewayInstance("gw-a").build()));
    }

    @Test
    void printedJsonParsesBackToTheSameMessage() throws Exception {
        ConnectionBatch batch = ConnectionBatch.newBuilder()
                .setGatewayInstance("gw-a")
                .addConnections(Caller.newBuilder().setUserId("alice").setConnectionId("gw-a.1"))
                .addConnections(Caller.newBuilder().setUserId("bob").setConnectionId("gw-a.2"))
                .setAtMs(-1)
                .build();
        ConnectionBatch.Builder parsed = ConnectionBatch.newBuilder();

        ProtoJson.merge(ProtoJson.print(batch), parsed);

        assertEquals(batch, parsed.build());
    }

    @Test
    void parsingIgnoresUnknownFieldsAndAcceptsInt64AsNumberOrString() throws Exception {
        ConnectionEvent.Builder a = ConnectionEvent.newBuilder();
        ProtoJson.merge("{\"atMs\":12,\"somethingNew\":{\"x\":1}}", a);
        ConnectionEvent.Builder b = ConnectionEvent.newBuilder();
        ProtoJson.merge("{\"at_ms\":\"12\"}", b);

        assertEquals(12L, a.getAtMs());
        assertEquals(12L, b.getAtMs());
    }

    @Test
    void malformedJsonOrAWrongTypeIsRefused() {
        assertThrows(InvalidProtocolBufferException.class,
                () -> ProtoJson.merge("{\"atMs\":", ConnectionEvent.newBuilder()));
        assertThrows(InvalidProtocolBufferException.class,
                () -> ProtoJson.merge("{\"atMs\":\"soon\"}", ConnectionEvent.newBuilder()));
        assertThrows(InvalidProtocolBufferException.class,
                () -> ProtoJson.merge("{\"connection\":[]}", ConnectionEvent.newBuilder()));
    }
}
