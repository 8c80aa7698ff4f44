package io.sup.realtime.platform.json;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;

/**
 * The one JSON mapping for protobuf messages that reach clients: the canonical proto3 JSON
 * mapping (lowerCamelCase field names, {@code int64} as strings, {@code Timestamp} as RFC 3339
 * text, default values omitted), compact.
 *
 * <p>Source: <a href="https://protobuf.dev/programming-guides/json/">ProtoJSON format</a>.
 * Acks and delivered events both go through here, so a field looks the same wherever a
 * client meets it.
 */
public final class ProtoJson {
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    private ProtoJson() {
    }

    /** The message as a compact JSON object. */
    public static String print(Message message) {
        try {
            return PRINTER.print(message);
        } catch (InvalidProtocolBufferException e) {
            // Only possible for Any fields with unknown types, which our protos do not use.
            throw new IllegalStateException("cannot print " + message.getDescriptorForType().getFullName(), e);
        }
    }

    /**
     * Merges a JSON object into {@code builder}; unknown fields are ignored.
     *
     * @throws InvalidProtocolBufferException when the JSON is malformed or a field has the
     *     wrong type; its message may quote the bad value, so send it to that client only
     *     and never log it
     */
    public static void merge(String json, Message.Builder builder) throws InvalidProtocolBufferException {
        PARSER.merge(json, builder);
    }
}
