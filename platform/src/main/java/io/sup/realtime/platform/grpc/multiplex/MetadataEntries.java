package io.sup.realtime.platform.grpc.multiplex;

import java.util.List;
import java.util.function.Consumer;

import com.google.protobuf.ByteString;
import io.grpc.Metadata;
import io.sup.realtime.proto.multiplex.v1.MetadataEntry;

/**
 * gRPC metadata as the {@code sup.multiplex.v1.MetadataEntry} list a multiplexed call carries,
 * and back: a key ending in {@code -bin} keeps its binary value, any other its ASCII value
 * (the two kinds of custom metadata of the gRPC over HTTP/2 protocol).
 */
final class MetadataEntries {
    private MetadataEntries() {
    }

    /** Gives {@code sink} {@code metadata}'s entries, in its order, every value of a repeated key. */
    static void addTo(Metadata metadata, Consumer<MetadataEntry> sink) {
        for (String name : metadata.keys()) {
            if (name.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
                for (byte[] value : metadata.getAll(Metadata.Key.of(name, Metadata.BINARY_BYTE_MARSHALLER))) {
                    sink.accept(MetadataEntry.newBuilder().setKey(name).setValue(ByteString.copyFrom(value)).build());
                }
            } else {
                for (String value : metadata.getAll(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER))) {
                    sink.accept(MetadataEntry.newBuilder().setKey(name).setValue(ByteString.copyFromUtf8(value)).build());
                }
            }
        }
    }

    /**
     * The metadata {@code entries} stand for.
     *
     * @throws IllegalArgumentException when a key is not a valid metadata key
     */
    static Metadata toMetadata(List<MetadataEntry> entries) {
        Metadata metadata = new Metadata();
        for (MetadataEntry entry : entries) {
            String name = entry.getKey();
            if (name.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
                metadata.put(Metadata.Key.of(name, Metadata.BINARY_BYTE_MARSHALLER), entry.getValue().toByteArray());
            } else {
                metadata.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), entry.getValue().toStringUtf8());
            }
        }
        return metadata;
    }
}
