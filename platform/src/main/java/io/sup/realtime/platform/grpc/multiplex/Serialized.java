package io.sup.realtime.platform.grpc.multiplex;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.function.Function;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;

/** A call's message as the bytes a multiplexed request or response carries. */
final class Serialized {
    private Serialized() {
    }

    /**
     * {@code message}'s bytes: protobuf's own serialization when it is a protobuf message (every
     * method here), else what its method's marshaller streams.
     *
     * @throws UncheckedIOException when the marshaller's stream fails
     */
    static <T> ByteString of(T message, Function<T, InputStream> marshaller) {
        if (message instanceof MessageLite proto) {
            return proto.toByteString();
        }
        try (InputStream stream = marshaller.apply(message)) {
            return ByteString.readFrom(stream);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
