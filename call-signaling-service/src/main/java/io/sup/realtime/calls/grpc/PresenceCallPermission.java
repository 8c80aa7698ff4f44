package io.sup.realtime.calls.grpc;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.sup.realtime.calls.signalling.CallPermission;
import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.proto.presence.v1.PresenceAdminServiceGrpc;
import io.sup.realtime.proto.presence.v1.VisibleUsersRequest;

/**
 * {@link CallPermission} as presence-service's visibility rule
 * ({@code PresenceAdminService.VisibleUsers}), so the rule lives in one place: the caller may
 * call the callee when the caller may see the callee's presence. Fails closed: when presence
 * cannot answer, nobody may call (UNAVAILABLE, retry later).
 */
public final class PresenceCallPermission implements CallPermission {
    private final PresenceAdminServiceGrpc.PresenceAdminServiceBlockingStub presence;
    private final Duration deadline;

    /**
     * @param channel  channel to presence-service
     * @param deadline deadline of each call
     */
    public PresenceCallPermission(Channel channel, Duration deadline) {
        this.presence = PresenceAdminServiceGrpc.newBlockingStub(channel);
        this.deadline = deadline;
    }

    @Override
    public boolean mayCall(String callerId, String calleeId) {
        try {
            return presence.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                    .visibleUsers(VisibleUsersRequest.newBuilder().setViewerId(callerId).addUserIds(calleeId).build())
                    .getUserIdsList().contains(calleeId);
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT) {
                throw ServiceException.invalidArgument("calleeId is malformed");
            }
            throw ServiceException.unavailable("who may call whom is unknown now, retry later");
        }
    }
}
