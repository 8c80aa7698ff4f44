package io.sup.realtime.calls.grpc;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.sup.realtime.calls.history.HistoryEntry;
import io.sup.realtime.calls.history.MissedCall;
import io.sup.realtime.calls.ice.IceServer;
import io.sup.realtime.calls.signalling.Call;
import io.sup.realtime.calls.signalling.IceCandidate;
import io.sup.realtime.calls.signalling.SessionDescription;
import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.time.Timestamps;

/** Domain <-> proto for the call APIs. No rules here beyond the shapes of the messages. */
public final class ProtoMapping {
    private ProtoMapping() {
    }

    /** A request's session description (an absent one reads as empty, which the domain refuses). */
    static SessionDescription description(io.sup.realtime.proto.calls.v1.SessionDescription d) {
        return new SessionDescription(d.getType(), d.getSdp());
    }

    /** The proto form of a session description. */
    public static io.sup.realtime.proto.calls.v1.SessionDescription description(SessionDescription d) {
        return io.sup.realtime.proto.calls.v1.SessionDescription.newBuilder().setType(d.type()).setSdp(d.sdp()).build();
    }

    /**
     * A request's candidate: JSON {@code null} is end-of-candidates; else an
     * {@code RTCIceCandidateInit} object ({@code candidate} a string, required; {@code sdpMid}
     * and {@code usernameFragment} strings or null; {@code sdpMLineIndex} a whole number or null).
     *
     * @param hasCandidate whether the request set the field at all
     * @throws ServiceException INVALID_ARGUMENT for an absent candidate or one of another shape
     */
    static IceCandidate candidate(boolean hasCandidate, Value v) {
        if (!hasCandidate) {
            throw ServiceException.invalidArgument("candidate is required (null for end-of-candidates)");
        }
        if (v.getKindCase() == Value.KindCase.NULL_VALUE) {
            return IceCandidate.END;
        }
        if (v.getKindCase() != Value.KindCase.STRUCT_VALUE) {
            throw ServiceException.invalidArgument("candidate must be an object or null");
        }
        Map<String, Value> f = v.getStructValue().getFieldsMap();
        Value line = f.get("candidate");
        if (line == null || line.getKindCase() != Value.KindCase.STRING_VALUE) {
            throw ServiceException.invalidArgument("candidate.candidate must be a string (\"\" for end-of-candidates)");
        }
        return new IceCandidate(true, line.getStringValue(), optionalText(f, "sdpMid"), optionalIndex(f),
                optionalText(f, "usernameFragment"));
    }

    /** The proto form of a candidate as relayed: null, or the object with the members given. */
    public static Value candidate(IceCandidate c) {
        if (!c.present()) {
            return Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
        }
        Struct.Builder s = Struct.newBuilder().putFields("candidate", Value.newBuilder().setStringValue(c.candidate()).build());
        s.putFields("sdpMid", c.sdpMid().map(m -> Value.newBuilder().setStringValue(m).build()).orElse(nullValue()));
        s.putFields("sdpMLineIndex", c.sdpMLineIndex().isPresent()
                ? Value.newBuilder().setNumberValue(c.sdpMLineIndex().getAsInt()).build() : nullValue());
        c.usernameFragment().ifPresent(u -> s.putFields("usernameFragment", Value.newBuilder().setStringValue(u).build()));
        return Value.newBuilder().setStructValue(s).build();
    }

    /** The proto form of an ICE server. */
    public static io.sup.realtime.proto.calls.v1.IceServer iceServer(IceServer s) {
        io.sup.realtime.proto.calls.v1.IceServer.Builder b = io.sup.realtime.proto.calls.v1.IceServer.newBuilder()
                .addAllUrls(s.urls());
        s.username().ifPresent(b::setUsername);
        s.credential().ifPresent(b::setCredential);
        return b.build();
    }

    /** The proto form of a stored call. */
    static io.sup.realtime.proto.calls.v1.Call call(Call c) {
        io.sup.realtime.proto.calls.v1.Call.Builder b = io.sup.realtime.proto.calls.v1.Call.newBuilder()
                .setCallId(c.id()).setCallerId(c.callerId()).setCalleeId(c.calleeId()).setCallType(c.type().wireName())
                .setState(c.state().wireName()).setCreatedAt(time(c.createdAt()));
        c.reason().ifPresent(r -> b.setReason(r.wireName()));
        c.answeredAt().ifPresent(t -> b.setAnsweredAt(time(t)));
        c.endedAt().ifPresent(t -> b.setEndedAt(time(t)));
        return b.build();
    }

    /** The proto form of a history entry. */
    static io.sup.realtime.proto.calls.v1.CallHistoryEntry historyEntry(HistoryEntry e) {
        io.sup.realtime.proto.calls.v1.CallHistoryEntry.Builder b = io.sup.realtime.proto.calls.v1.CallHistoryEntry
                .newBuilder().setCallId(e.callId()).setPeerId(e.peerId()).setDirection(e.outgoing() ? "outgoing" : "incoming")
                .setCallType(e.callType()).setStartedAt(time(e.startedAt())).setEndedAt(time(e.endedAt()))
                .setDurationMs(e.durationMs()).setOutcome(e.outcome()).setReason(e.reason());
        e.answeredAt().ifPresent(t -> b.setAnsweredAt(time(t)));
        return b.build();
    }

    /** The proto form of a missed call. */
    static io.sup.realtime.proto.calls.v1.MissedCall missedCall(MissedCall m) {
        return io.sup.realtime.proto.calls.v1.MissedCall.newBuilder().setId(m.id()).setCallId(m.callId())
                .setCallerId(m.callerId()).setCalleeId(m.calleeId()).setCallType(m.callType())
                .setStartedAt(time(m.startedAt())).setReason(m.reason()).build();
    }

    /**
     * An RFC 3339 time as ms, for paging.
     *
     * @throws ServiceException INVALID_ARGUMENT when malformed
     */
    static long millis(String field, String rfc3339) {
        try {
            return Instant.parse(rfc3339).toEpochMilli();
        } catch (RuntimeException malformed) {
            throw ServiceException.invalidArgument(field + " must be an RFC 3339 time");
        }
    }

    static String time(long ms) {
        return Timestamps.rfc3339(Instant.ofEpochMilli(ms));
    }

    private static Optional<String> optionalText(Map<String, Value> fields, String name) {
        Value v = fields.get(name);
        if (v == null || v.getKindCase() == Value.KindCase.NULL_VALUE) {
            return Optional.empty();
        }
        if (v.getKindCase() != Value.KindCase.STRING_VALUE) {
            throw ServiceException.invalidArgument("candidate." + name + " must be a string or null");
        }
        return Optional.of(v.getStringValue());
    }

    private static OptionalInt optionalIndex(Map<String, Value> fields) {
        Value v = fields.get("sdpMLineIndex");
        if (v == null || v.getKindCase() == Value.KindCase.NULL_VALUE) {
            return OptionalInt.empty();
        }
        double n = v.getKindCase() == Value.KindCase.NUMBER_VALUE ? v.getNumberValue() : Double.NaN;
        if (n != Math.rint(n) || n < 0 || n > 65_535) {
            throw ServiceException.invalidArgument("candidate.sdpMLineIndex must be a whole number 0-65535 or null");
        }
        return OptionalInt.of((int) n);
    }

    private static Value nullValue() {
        return Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
    }
}
