package io.sup.realtime.notification.sources;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.grpc.Channel;
import io.sup.realtime.notification.notifications.Draft;
import io.sup.realtime.notification.notifications.NotificationData;
import io.sup.realtime.notification.notifications.NotificationService;
import io.sup.realtime.notification.notifications.NotificationType;
import io.sup.realtime.proto.calls.v1.CallAdminServiceGrpc;
import io.sup.realtime.proto.calls.v1.ListMissedCallsRequest;
import io.sup.realtime.proto.calls.v1.MissedCall;

/**
 * Missed calls, read from call-signalling's record of them ({@code CallAdminService.ListMissedCalls}):
 * each is a high-priority {@code call} notification for the callee, made once ({@code call:<callId>}).
 */
public final class MissedCalls implements SourcePoller.Source<MissedCall> {
    private final CallAdminServiceGrpc.CallAdminServiceBlockingStub calls;
    private final Duration deadline;
    private final NotificationService notifications;

    /**
     * @param channel       channel to call-signaling-service
     * @param deadline      deadline of each read
     * @param notifications where notifications are created
     */
    public MissedCalls(Channel channel, Duration deadline, NotificationService notifications) {
        this.calls = CallAdminServiceGrpc.newBlockingStub(channel);
        this.deadline = deadline;
        this.notifications = notifications;
    }

    @Override
    public String name() {
        return "calls";
    }

    @Override
    public List<MissedCall> after(String cursor, int limit) {
        return calls.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .listMissedCalls(ListMissedCallsRequest.newBuilder().setAfter(cursor).setLimit(limit).build())
                .getMissedCallsList();
    }

    @Override
    public String id(MissedCall record) {
        return record.getId();
    }

    @Override
    public void handle(MissedCall call) {
        boolean video = call.getCallType().equals("video");
        notifications.create(List.of(call.getCalleeId()), new Draft(NotificationType.CALL, Optional.empty(),
                        video ? "Missed video call" : "Missed call", call.getCallerId() + " called you", "",
                        new NotificationData("", "", call.getCallId(), call.getCallerId(), "missed", Map.of())),
                "call:" + call.getCallId());
    }
}
