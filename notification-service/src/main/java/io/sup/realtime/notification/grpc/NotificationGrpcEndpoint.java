package io.sup.realtime.notification.grpc;

import java.util.ArrayList;
import java.util.List;

import io.grpc.stub.StreamObserver;
import io.sup.realtime.notification.notifications.NotificationService;
import io.sup.realtime.notification.notifications.NotificationStore;
import io.sup.realtime.notification.preferences.PreferenceService;
import io.sup.realtime.notification.push.PushDevice;
import io.sup.realtime.notification.push.PushDevices;
import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.ids.Ids;
import io.sup.realtime.proto.gateway.v1.Caller;
import io.sup.realtime.proto.notifications.v1.ClearAllRequest;
import io.sup.realtime.proto.notifications.v1.ClearAllResponse;
import io.sup.realtime.proto.notifications.v1.ClearRequest;
import io.sup.realtime.proto.notifications.v1.ClearResponse;
import io.sup.realtime.proto.notifications.v1.GetPendingRequest;
import io.sup.realtime.proto.notifications.v1.GetPendingResponse;
import io.sup.realtime.proto.notifications.v1.GetPreferencesRequest;
import io.sup.realtime.proto.notifications.v1.MarkReadRequest;
import io.sup.realtime.proto.notifications.v1.MarkReadResponse;
import io.sup.realtime.proto.notifications.v1.MuteChatRequest;
import io.sup.realtime.proto.notifications.v1.NotificationServiceGrpc;
import io.sup.realtime.proto.notifications.v1.Preferences;
import io.sup.realtime.proto.notifications.v1.RegisterPushDeviceRequest;
import io.sup.realtime.proto.notifications.v1.RegisterPushDeviceResponse;
import io.sup.realtime.proto.notifications.v1.SetDoNotDisturbRequest;
import io.sup.realtime.proto.notifications.v1.UnmuteChatRequest;
import io.sup.realtime.proto.notifications.v1.UnregisterPushDeviceRequest;
import io.sup.realtime.proto.notifications.v1.UnregisterPushDeviceResponse;

/**
 * {@code sup.notifications.v1.NotificationService}: the client events (and backends acting for
 * a user through its Caller), proto <-> domain. Every request acts for {@code caller.user_id}.
 */
public final class NotificationGrpcEndpoint extends NotificationServiceGrpc.NotificationServiceImplBase {
    private final NotificationService notifications;
    private final PreferenceService preferences;
    private final PushDevices devices;

    /**
     * @param notifications the users' notifications
     * @param preferences   mutes and do-not-disturb
     * @param devices       push registrations
     */
    public NotificationGrpcEndpoint(NotificationService notifications, PreferenceService preferences,
                                    PushDevices devices) {
        this.notifications = notifications;
        this.preferences = preferences;
        this.devices = devices;
    }

    @Override
    public void getPending(GetPendingRequest request, StreamObserver<GetPendingResponse> response) {
        NotificationStore.Page page = notifications.page(user(request.getCaller()), request.getLimit(),
                request.getBefore());
        GetPendingResponse.Builder reply = GetPendingResponse.newBuilder().setHasMore(page.hasMore())
                .setBadge(page.badge()).setBadgeVersion(page.badgeVersion());
        page.notifications().forEach(n -> reply.addNotifications(ProtoMapping.notification(n)));
        reply(response, reply.build());
    }

    @Override
    public void markRead(MarkReadRequest request, StreamObserver<MarkReadResponse> response) {
        List<String> ids = new ArrayList<>();
        if (!request.getNotificationId().isEmpty()) {
            ids.add(request.getNotificationId());
        }
        ids.addAll(request.getNotificationIdsList());
        var done = notifications.markRead(user(request.getCaller()), request.getCaller().getConnectionId(), ids);
        List<String> unique = ids.stream().distinct().toList();
        reply(response, MarkReadResponse.newBuilder().addAllNotificationIds(unique).setBadge(done.badge())
                .setBadgeVersion(done.badgeVersion()).build());
    }

    @Override
    public void clear(ClearRequest request, StreamObserver<ClearResponse> response) {
        var done = notifications.clear(user(request.getCaller()), request.getCaller().getConnectionId(),
                request.getNotificationId());
        reply(response, ClearResponse.newBuilder().setNotificationId(request.getNotificationId()).setBadge(done.badge())
                .setBadgeVersion(done.badgeVersion()).build());
    }

    @Override
    public void clearAll(ClearAllRequest request, StreamObserver<ClearAllResponse> response) {
        var done = notifications.clearAll(user(request.getCaller()), request.getCaller().getConnectionId());
        reply(response, ClearAllResponse.newBuilder().setCleared(done.changed()).setBadge(done.badge())
                .setBadgeVersion(done.badgeVersion()).build());
    }

    @Override
    public void muteChat(MuteChatRequest request, StreamObserver<Preferences> response) {
        reply(response, ProtoMapping.preferences(preferences.mute(user(request.getCaller()), request.getChatId(),
                PreferenceService.until(request.getUntil()))));
    }

    @Override
    public void unmuteChat(UnmuteChatRequest request, StreamObserver<Preferences> response) {
        reply(response, ProtoMapping.preferences(preferences.unmute(user(request.getCaller()), request.getChatId())));
    }

    @Override
    public void setDoNotDisturb(SetDoNotDisturbRequest request, StreamObserver<Preferences> response) {
        reply(response, ProtoMapping.preferences(preferences.doNotDisturb(user(request.getCaller()),
                request.getEnabled(), request.getStart(), request.getEnd(), request.getTimeZone())));
    }

    @Override
    public void getPreferences(GetPreferencesRequest request, StreamObserver<Preferences> response) {
        reply(response, ProtoMapping.preferences(preferences.read(user(request.getCaller()))));
    }

    @Override
    public void registerPushDevice(RegisterPushDeviceRequest request,
                                   StreamObserver<RegisterPushDeviceResponse> response) {
        devices.register(new PushDevice(user(request.getCaller()), request.getDeviceId(), request.getProvider(),
                request.getToken()));
        reply(response, RegisterPushDeviceResponse.newBuilder().setDeviceId(request.getDeviceId()).build());
    }

    @Override
    public void unregisterPushDevice(UnregisterPushDeviceRequest request,
                                     StreamObserver<UnregisterPushDeviceResponse> response) {
        boolean removed = devices.unregister(user(request.getCaller()), request.getDeviceId());
        reply(response, UnregisterPushDeviceResponse.newBuilder().setDeviceId(request.getDeviceId())
                .setRemoved(removed).build());
    }

    private static String user(Caller caller) {
        if (!Ids.isValid(caller.getUserId())) {
            throw ServiceException.invalidArgument("caller must carry a well-formed user id");
        }
        return caller.getUserId();
    }

    private static <T> void reply(StreamObserver<T> response, T message) {
        response.onNext(message);
        response.onCompleted();
    }
}
