package io.sup.realtime.notification.grpc;

import io.grpc.stub.StreamObserver;
import io.sup.realtime.notification.notifications.NotificationService;
import io.sup.realtime.proto.notifications.v1.CreateNotificationRequest;
import io.sup.realtime.proto.notifications.v1.CreateNotificationResponse;
import io.sup.realtime.proto.notifications.v1.CreatedNotification;
import io.sup.realtime.proto.notifications.v1.NotificationAdminServiceGrpc;

/**
 * {@code sup.notifications.v1.NotificationAdminService}: notifications created by internal
 * backends, and the pushes given up on; proto <-> domain.
 */
public final class NotificationAdminGrpcEndpoint extends NotificationAdminServiceGrpc.NotificationAdminServiceImplBase {
    private final NotificationService notifications;

    /** @param notifications the users' notifications */
    public NotificationAdminGrpcEndpoint(NotificationService notifications) {
        this.notifications = notifications;
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
}
