package io.sup.realtime.platform.json;

import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
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
    /** The well-known types that hold any JSON. */
    private static final Set<String> FREE_FORM = Set.of("google.protobuf.Value",
            "google.protobuf.Struct", "google.protobuf.ListValue");
    /** Deepest JSON accepted where any JSON may go (a Value field). */
    private static final int MAX_FREE_FORM_DEPTH = 16;
    /** A number written as a JSON string, in ASCII digits only (no full-width or other scripts' digits). */
    private static final Pattern ASCII_NUMBER = Pattern.compile("-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?");

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
     * <p>Stricter than {@code JsonFormat} alone, which coerces: a number or a one-element
     * array where a string belongs would be taken as that string. Here every known field
     * must have its JSON type (string for strings, number or numeric string for numbers,
     * true/false for booleans, array for repeated fields, object for messages), and strings
     * must be valid Unicode (no unpaired surrogate escapes, which protobuf would turn into
     * '?').
     *
     * @throws InvalidProtocolBufferException when the JSON is malformed or a field has the
     *     wrong type; the type checks' messages name the field without quoting its value,
     *     but JsonFormat's own (e.g. a numeric string that is not a number) may quote it: send
     *     the message to that client only and never log it
     */
    public static void merge(String json, Message.Builder builder) throws InvalidProtocolBufferException {
        JsonElement root;
        try {
            root = JsonParser.parseString(json);
        } catch (JsonParseException e) {
            throw new InvalidProtocolBufferException("not valid JSON");
        }
        if (!root.isJsonObject()) {
            throw new InvalidProtocolBufferException("expected a JSON object");
        }
        checkTypes(root.getAsJsonObject(), builder.getDescriptorForType(), "");
        PARSER.merge(json, builder);
    }

    private static void checkTypes(JsonObject object, Descriptor type, String path)
            throws InvalidProtocolBufferException {
        for (Map.Entry<String, JsonElement> entry : object.entrySet()) {
            FieldDescriptor field = field(type, entry.getKey());
            JsonElement value = entry.getValue();
            if (field == null || value.isJsonNull()) {
                continue; // unknown fields are ignored; null means "not set"
            }
            String name = path + field.getJsonName();
            if (field.isMapField()) {
                require(value.isJsonObject(), name, "an object");
                FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
                for (Map.Entry<String, JsonElement> entry2 : value.getAsJsonObject().entrySet()) {
                    checkValue(valueField, entry2.getValue(), name + "." + entry2.getKey());
                }
            } else if (field.isRepeated()) {
                require(value.isJsonArray(), name, "an array");
                for (JsonElement item : value.getAsJsonArray()) {
                    checkValue(field, item, name + "[]");
                }
            } else {
                checkValue(field, value, name);
            }
        }
    }

    private static void checkValue(FieldDescriptor field, JsonElement value, String name)
            throws InvalidProtocolBufferException {
        switch (field.getJavaType()) {
            case STRING -> {
                require(value.isJsonPrimitive() && value.getAsJsonPrimitive().isString(), name, "a string");
                require(isValidUnicode(value.getAsString()), name, "valid Unicode text");
            }
            case BOOLEAN -> require(value.isJsonPrimitive() && value.getAsJsonPrimitive().isBoolean(), name, "true or false");
            case INT, LONG, FLOAT, DOUBLE -> require(value.isJsonPrimitive() && (value.getAsJsonPrimitive().isNumber()
                    || value.getAsJsonPrimitive().isString() && ASCII_NUMBER.matcher(value.getAsString()).matches()),
                    name, "a number");
            case ENUM, BYTE_STRING -> require(value.isJsonPrimitive() && !value.getAsJsonPrimitive().isBoolean(),
                    name, "a string");
            case MESSAGE -> {
                String type = field.getMessageType().getFullName();
                if (FREE_FORM.contains(type)) {
                    checkFreeForm(value, name, 1);
                } else if (!type.startsWith("google.protobuf.")) {
                    // Other well-known types (Timestamp, Duration, ...) have their own JSON forms.
                    require(value.isJsonObject(), name, "an object");
                    checkTypes(value.getAsJsonObject(), field.getMessageType(), name + ".");
                }
            }
        }
    }

    /**
     * Any JSON (a {@code google.protobuf.Value}, {@code Struct} or {@code ListValue}): at most
     * {@value #MAX_FREE_FORM_DEPTH} levels deep (protobuf's own limit, reached at about half
     * its 100 levels since each JSON level is two messages, would otherwise fail in the
     * service that parses it), every string and key valid Unicode.
     */
    private static void checkFreeForm(JsonElement value, String name, int depth) throws InvalidProtocolBufferException {
        require(depth <= MAX_FREE_FORM_DEPTH, name, "at most " + MAX_FREE_FORM_DEPTH + " levels deep");
        if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isString()) {
            require(isValidUnicode(value.getAsString()), name, "valid Unicode text");
        } else if (value.isJsonArray()) {
            for (JsonElement item : value.getAsJsonArray()) {
                checkFreeForm(item, name, depth + 1);
            }
        } else if (value.isJsonObject()) {
            for (Map.Entry<String, JsonElement> entry : value.getAsJsonObject().entrySet()) {
                require(isValidUnicode(entry.getKey()), name, "valid Unicode text");
                checkFreeForm(entry.getValue(), name, depth + 1);
            }
        }
    }

    private static FieldDescriptor field(Descriptor type, String jsonKey) {
        for (FieldDescriptor field : type.getFields()) {
            if (field.getJsonName().equals(jsonKey) || field.getName().equals(jsonKey)) {
                return field;
            }
        }
        return null;
    }

    private static void require(boolean ok, String name, String what) throws InvalidProtocolBufferException {
        if (!ok) {
            throw new InvalidProtocolBufferException("\"" + name + "\" must be " + what);
        }
    }

    /** False when {@code s} holds a UTF-16 surrogate without its partner (it is then not text at all). */
    public static boolean isValidUnicode(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
