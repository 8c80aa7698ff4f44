package io.sup.realtime.gateway.routing;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.sup.realtime.gateway.connection.ClientConnection;
import io.sup.realtime.platform.json.ProtoJson;
import io.sup.realtime.proto.gateway.v1.Caller;

/**
 * One client event's handling: the event's JSON data and the connection's caller in, the
 * owning service's reply out. A route throws what its call throws ({@code StatusRuntimeException}
 * from the service, {@link InvalidProtocolBufferException} for data that does not fit the
 * request); {@link EventRouter} turns those into the client's error.
 */
@FunctionalInterface
public interface Route {
    /**
     * Calls the service for one event.
     *
     * @param connection the connection the event came on (for routes that change its local state, e.g. rooms)
     * @param caller     the caller the gateway authenticated; the route sets it on the request
     * @param dataJson   the event's data, a JSON object
     * @return the service's reply, printed into the ack
     * @throws InvalidProtocolBufferException when the data does not fit the request message
     */
    Message call(ClientConnection connection, Caller caller, String dataJson) throws InvalidProtocolBufferException;

    /**
     * Reads an event's JSON data into a request builder (canonical proto3 JSON, unknown fields
     * ignored), for the route to set the caller on and build.
     *
     * @return {@code builder}
     * @throws InvalidProtocolBufferException when the data does not fit the request message
     */
    static <B extends Message.Builder> B parse(String dataJson, B builder) throws InvalidProtocolBufferException {
        ProtoJson.merge(dataJson, builder);
        return builder;
    }
}
