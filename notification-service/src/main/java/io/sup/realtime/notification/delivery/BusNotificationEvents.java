package io.sup.realtime.notification.delivery;

import java.util.List;

import io.sup.realtime.notification.grpc.ProtoMapping;
import io.sup.realtime.notification.notifications.Notification;
import io.sup.realtime.notification.notifications.NotificationEvents;
import io.sup.realtime.notification.notifications.NotificationStore;
import io.sup.realtime.platform.bus.DeliveryBus;
import io.sup.realtime.platform.bus.ServerEvent;
import io.sup.realtime.proto.notifications.v1.BadgeChanged;

/** {@link NotificationEvents} over the delivery bus, to every connected device of the user. */
public final class BusNotificationEvents implements NotificationEvents {
    private final DeliveryBus bus;

    /** @param bus the delivery bus */
    public BusNotificationEvents(DeliveryBus bus) {
        this.bus = bus;
    }

    @Override
    public boolean created(String userId, Notification notification) {
        return bus.toUsers(List.of(userId), ServerEvent.NOTIFICATION_NEW, ProtoMapping.notification(notification),
                List.of()).offlineUserIds().isEmpty();
    }

    @Override
    public void badgeChanged(String userId, NotificationStore.Change.Done badge, String action,
                             List<String> notificationIds, String exceptConnectionId) {
        bus.toUsers(List.of(userId), ServerEvent.NOTIFICATION_BADGE, BadgeChanged.newBuilder().setBadge(badge.badge())
                        .setBadgeVersion(badge.badgeVersion()).setAction(action).addAllNotificationIds(notificationIds).build(),
                exceptConnectionId.isEmpty() ? List.of() : List.of(exceptConnectionId));
    }
}
