package io.sup.realtime.platform.lifecycle;

import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.ids.Ids;
import io.sup.realtime.proto.gateway.v1.Caller;

/**
 * One client connection as the gateway names it: whose it is and its id.
 *
 * @param userId       the user (JWT {@code sub})
 * @param connectionId the gateway connection, {@code <instance>.<suffix>}, unique per connection
 */
public record ConnectionRef(String userId, String connectionId) {
    /**
     * The connection a gateway-set caller names, for the client events a service serves.
     *
     * @throws ServiceException INVALID_ARGUMENT when the caller is missing or malformed (a
     *     gateway bug, or a caller that is not the gateway)
     */
    public static ConnectionRef of(Caller caller) {
        if (!Ids.isValid(caller.getUserId()) || caller.getConnectionId().isEmpty()) {
            throw ServiceException.invalidArgument("caller must carry user and connection ids");
        }
        return new ConnectionRef(caller.getUserId(), caller.getConnectionId());
    }
}
