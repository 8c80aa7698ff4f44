package io.sup.realtime.notification;

/**
 * The client events notification-service serves, by the names rate limits are configured and
 * counted under (platform's {@code RateLimits}): none has a limit of its own by default, so
 * they share the ceiling. {@code NotificationAdminService} (internal backends) is not limited.
 */
public final class ClientEvent {
    public static final String GET_PENDING = "notification:get-pending";
    public static final String READ = "notification:read";
    public static final String CLEAR = "notification:clear";
    public static final String CLEAR_ALL = "notification:clear-all";
    public static final String MUTE = "notification:mute";
    public static final String UNMUTE = "notification:unmute";
    public static final String SET_DND = "notification:set-dnd";
    public static final String GET_PREFERENCES = "notification:get-preferences";
    public static final String PUSH_REGISTER = "push:register";
    public static final String PUSH_UNREGISTER = "push:unregister";

    private ClientEvent() {
    }
}
