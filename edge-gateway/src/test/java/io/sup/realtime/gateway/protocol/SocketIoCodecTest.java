package io.sup.realtime.gateway.protocol;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Socket.IO v5 over Engine.IO v4 framing, as socket.io-client 4.x writes and reads it: every
 * packet type, and malformed packets of every type refused with a reason.
 */
class SocketIoCodecTest {
    private final SocketIoCodec codec = new SocketIoCodec(
            new WireCodec.Heartbeat(Duration.ofMillis(25_000), Duration.ofMillis(60_000)), 1_048_576);

    @Test
    void openPacketAnnouncesSessionHeartbeatAndPayloadLimitWithoutUpgrades() {
        assertEquals("0{\"sid\":\"abc\",\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":60000,\"maxPayload\":1048576}",
                codec.open("abc"));
    }

    @Test
    void engineIoControlPackets() throws FrameException {
        assertInstanceOf(SocketIoCodec.Packet.Pong.class, codec.decode("3"));
        assertInstanceOf(SocketIoCodec.Packet.Close.class, codec.decode("1"));
        assertInstanceOf(SocketIoCodec.Packet.Noop.class, codec.decode("6"));
        assertEquals(new SocketIoCodec.Packet.Ping("probe"), codec.decode("2probe"));
        assertEquals("3probe", codec.pong("probe"));
        assertEquals("2", codec.heartbeatFrame());
    }

    @Test
    void connectCarriesTheAuthObject() throws FrameException {
        var connect = (SocketIoCodec.Packet.Connect) codec.decode("40{\"token\":\"t\"}");
        assertEquals("t", connect.auth().get("token").asText());
        var bare = (SocketIoCodec.Packet.Connect) codec.decode("40");
        assertEquals(0, bare.auth().size());
        var explicitMain = (SocketIoCodec.Packet.Connect) codec.decode("40/,{\"token\":\"t\"}");
        assertEquals("t", explicitMain.auth().get("token").asText());
    }

    @Test
    void otherNamespacesAreUnknown() throws FrameException {
        assertEquals(new SocketIoCodec.Packet.UnknownNamespace("/admin"), codec.decode("40/admin,{\"token\":\"t\"}"));
        assertEquals(new SocketIoCodec.Packet.UnknownNamespace("/admin"), codec.decode("40/admin"));
        assertEquals("44/admin,{\"message\":\"Invalid namespace\"}", codec.unknownNamespace("/admin"));
    }

    @Test
    void eventsWithAndWithoutAckId() throws FrameException {
        var withAck = (SocketIoCodec.Packet.Event) codec.decode("4212[\"message:new\",{\"chatId\":\"c1\"}]");
        assertEquals(new ClientEvent("message:new", 12, "{\"chatId\":\"c1\"}"), withAck.event());
        var noAck = (SocketIoCodec.Packet.Event) codec.decode("42[\"chat:join\",{\"chatId\":\"c1\"}]");
        assertEquals(-1, noAck.event().ackId());
        var noData = (SocketIoCodec.Packet.Event) codec.decode("427[\"notification:get-pending\"]");
        assertEquals(new ClientEvent("notification:get-pending", 7, "{}"), noData.event());
    }

    @Test
    void disconnectAndClientAcks() throws FrameException {
        assertInstanceOf(SocketIoCodec.Packet.Close.class, codec.decode("41"));
        assertInstanceOf(SocketIoCodec.Packet.Ack.class, codec.decode("433[]"));
    }

    @Test
    void serverFrames() {
        assertEquals("42[\"message:new\",{\"id\":\"1\"}]", codec.event("message:new", "{\"id\":\"1\"}"));
        assertEquals("4312[{\"success\":true}]", codec.ack(12, "{\"success\":true}"));
        assertEquals("40{\"sid\":\"gw-1.5\"}", codec.connectAccepted("gw-1.5"));
        assertEquals("44{\"message\":\"token expired\",\"data\":{\"code\":\"UNAUTHENTICATED\"}}",
                codec.connectRefused(ErrorCode.UNAUTHENTICATED, "token expired", 0));
        assertEquals("44{\"message\":\"too many connections\",\"data\":{\"code\":\"RATE_LIMITED\",\"retryAfterMs\":1500}}",
                codec.connectRefused(ErrorCode.RATE_LIMITED, "too many connections", 1500));
        assertEquals("41", codec.finalDisconnectFrame());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "0", "7", "x", "5", "4", "44{\"message\":\"x\"}",
            "451-[\"upload\",{\"_placeholder\":true,\"num\":0}]", "461-[{\"_placeholder\":true,\"num\":0}]", "45[]",
            "42", "42{}", "42[]", "42[1]", "42[\"\"]", "42[\"x\",\"not an object\"]", "42[\"x\",[1]]",
            "42[\"x\",{}]trailing", "42not json", "40\"token\"", "40[1]", "40{", "49",
            "4299999999999999999[\"x\"]", "429007199254740992[\"x\"]"})
    void malformedPacketsAreRefusedWithAReason(String frame) {
        FrameException e = assertThrows(FrameException.class, () -> codec.decode(frame));
        assertEquals(false, e.getMessage().isBlank());
    }

    @Test
    void malformedEventsThatAskedForAnAckAreAckedWithTheReason() throws FrameException {
        assertEquals(new SocketIoCodec.Packet.Refused("/", 9, "the event's first argument must be a JSON object"),
                codec.decode("429[\"chat:join\",\"c1\"]"));
        assertEquals(new SocketIoCodec.Packet.Refused("/", 3, "binary packets are not supported: send JSON only"),
                codec.decode("451-3[\"message:new\",{\"_placeholder\":true,\"num\":0}]"));
    }

    @Test
    void ackIdsAreAsciiDigitsAndLeadingZerosDoNotCount() throws FrameException {
        assertEquals(1, ((SocketIoCodec.Packet.Event) codec.decode("4200000000000000000001[\"x\"]")).event().ackId());
        assertEquals(7, ((SocketIoCodec.Packet.Event) codec.decode("42007[\"x\"]")).event().ackId());
        assertThrows(FrameException.class, () -> codec.decode("42\u0663[\"x\"]"));
    }

    @Test
    void eventsOnUnknownNamespacesAreAckedAndLeavingThemIsIgnored() throws FrameException {
        assertEquals(new SocketIoCodec.Packet.Refused("/admin", 5, "Invalid namespace"),
                codec.decode("42/admin,5[\"chat:join\",{}]"));
        assertEquals("43/admin,5[{}]", codec.ack("/admin", 5, "{}"));
        assertInstanceOf(SocketIoCodec.Packet.Noop.class, codec.decode("41/admin,"));
    }

    @Test
    void binaryPacketsSayWhyTheyAreRefused() {
        assertEquals("binary packets are not supported: send JSON only",
                assertThrows(FrameException.class, () -> codec.decode("451-[\"x\",{\"_placeholder\":true,\"num\":0}]")).getMessage());
    }
}
