package io.sup.realtime.gateway.e2e;

import java.util.List;

import io.grpc.ManagedChannel;
import io.sup.realtime.platform.grpc.GrpcChannels;
import io.sup.realtime.proto.notifications.v1.CreateNotificationRequest;
import io.sup.realtime.proto.notifications.v1.CreatedNotification;
import io.sup.realtime.proto.notifications.v1.NotificationAdminServiceGrpc;
import io.sup.realtime.proto.notifications.v1.NotificationData;

/** notification-service's admin API, as a backend calls it, for end-to-end tests. */
final class NotificationClient implements AutoCloseable {
    private final ManagedChannel channel;
    final NotificationAdminServiceGrpc.NotificationAdminServiceBlockingStub admin;

    NotificationClient(int port) {
        channel = GrpcChannels.forTarget("localhost:" + port);
        admin = NotificationAdminServiceGrpc.newBlockingStub(channel);
    }

    /** Creates a {@code chat} notification about {@code chatId} for {@code user}; answers its id. */
    String chatNotification(String user, String chatId, String body) {
        List<CreatedNotification> made = admin.createNotification(CreateNotificationRequest.newBuilder()
                .addUserIds(user).setType("chat").setTitle("Team").setBody(body)
                .setData(NotificationData.newBuilder().setChatId(chatId)).build()).getNotificationsList();
        return made.getFirst().getNotificationId();
    }

    @Override
    public void close() {
        GrpcChannels.close(channel);
    }
}
