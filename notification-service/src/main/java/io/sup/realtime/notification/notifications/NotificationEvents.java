package io.sup.realtime.notification.notifications;

import java.util.List;

/** Where notification changes are told to the user's connected devices. */
public interface NotificationEvents {
    /**
     * {@code notification:new} to every connected device of {@code userId}.
     *
     * @return whether any device is connected (the event went out to some gateway)
     */
    boolean created(String userId, Notification notification);

    /**
     * {@code notification:badge} to the user's devices but {@code exceptConnectionId} (the
     * one that made the change, which has the ack; empty: none excepted).
     *
     * @param badge  the badge after the change, with its version
     * @param action {@code read}, {@code clear} or {@code clear-all}
     */
    void badgeChanged(String userId, NotificationStore.Change.Done badge, String action, List<String> notificationIds,
                      String exceptConnectionId);
}
