package io.sup.realtime.notification.grpc;

import java.util.Optional;

import io.grpc.stub.StreamObserver;
import io.sup.realtime.notification.notifications.NotificationService;
import io.sup.realtime.notification.push.DeadLetters;
import io.sup.realtime.proto.notifications.v1.CreateNotificationRequest;
import io.sup.realtime.proto.notifications.v1.CreateNotificationResponse;
import io.sup.realtime.proto.notifications.v1.CreatedNotification;
import io.sup.realtime.proto.notifications.v1.ListDeadLettersRequest;
import io.sup.realtime.proto.notifications.v1.ListDeadLettersResponse;
import io.sup.realtime.proto.notifications.v1.NotificationAdminServiceGrpc;

/**
 * {@code sup.notifications.v1.NotificationAdminService}: notifications created by internal
 * backends, and the pushes given up on; proto <-> domain.
 */
public final class NotificationAdminGrpcEndpoint extends NotificationAdminServiceGrpc.NotificationAdminServiceImplBase {
    private static final int DEFAULT_DEAD_LETTER_PAGE = 100;

    private final NotificationService notifications;
    private final DeadLetters deadLetters;

    /**
     * @param notifications the users' notifications
     * @param deadLetters   the pushes given up on
     */
    public NotificationAdminGrpcEndpoint(NotificationService notifications, DeadLetters deadLetters) {
        this.notifications = notifications;
        this.deadLetters = deadLetters;
    }

    @Override
    public void createNotification(CreateNotificationRequest request,
                                   StreamObserver<CreateNotificationResponse> response) {
        CreateNotificationResponse.Builder reply = CreateNotificationResponse.newBuilder();
        notifications.create(request.getUserIdsList(), ProtoMapping.draft(request), request.getSourceKey())
                .forEach(c -> reply.addNotifications(CreatedNotification.newBuilder().setUserId(c.userId())
                        .setNotificationId(c.notification().id()).setCreated(c.created())));
        response.onNext(reply.build());
        response.onCompleted();
    }

    @Override
    public void listDeadLetters(ListDeadLettersRequest request, StreamObserver<ListDeadLettersResponse> response) {
        int limit = request.getLimit() == 0 ? DEFAULT_DEAD_LETTER_PAGE : request.getLimit();
        ListDeadLettersResponse.Builder reply = ListDeadLettersResponse.newBuilder();
        deadLetters.list(request.getAfter().isEmpty() ? Optional.empty() : Optional.of(request.getAfter()), limit)
                .forEach(d -> reply.addDeadLetters(ProtoMapping.deadLetter(d)));
        response.onNext(reply.build());
        response.onCompleted();
    }
}
