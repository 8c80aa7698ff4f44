package io.sup.realtime.gateway.routing;

import java.util.Map;
import java.util.Set;

/**
 * The client -> server event catalogue: the original service's 24 events, plus
 * {@code message:sync} (catching up after a reconnect), the notification preferences
 * ({@code notification:mute}, {@code :unmute}, {@code :set-dnd}, {@code :get-preferences}) and
 * push registrations ({@code push:register}, {@code push:unregister}), and the domain service
 * that owns each. Only {@code auth} (the native protocol's in-band authentication) and
 * {@code auth:refresh} are handled by the gateway itself.
 */
public final class ClientEvents {
    /** The domains that own client events. */
    public enum Domain { MESSAGING, PRESENCE, CALLS, NOTIFICATIONS }

    /** Event name -> owning domain, for every client event. */
    public static final Map<String, Domain> OWNERS = Map.ofEntries(
            Map.entry("message:new", Domain.MESSAGING),
            Map.entry("message:sync", Domain.MESSAGING),
            Map.entry("message:delivered", Domain.MESSAGING),
            Map.entry("message:read", Domain.MESSAGING),
            Map.entry("message:typing", Domain.MESSAGING),
            Map.entry("message:stop-typing", Domain.MESSAGING),
            Map.entry("reaction:new", Domain.MESSAGING),
            Map.entry("reaction:remove", Domain.MESSAGING),
            Map.entry("reaction:get", Domain.MESSAGING),
            Map.entry("chat:join", Domain.MESSAGING),
            Map.entry("chat:leave", Domain.MESSAGING),
            Map.entry("chat:join-multiple", Domain.MESSAGING),
            Map.entry("chat:get-active-members", Domain.MESSAGING),
            Map.entry("presence:update", Domain.PRESENCE),
            Map.entry("presence:subscribe", Domain.PRESENCE),
            Map.entry("presence:unsubscribe", Domain.PRESENCE),
            Map.entry("call:initiate", Domain.CALLS),
            Map.entry("call:answer", Domain.CALLS),
            Map.entry("call:reject", Domain.CALLS),
            Map.entry("call:end", Domain.CALLS),
            Map.entry("call:ice-candidate", Domain.CALLS),
            Map.entry("notification:read", Domain.NOTIFICATIONS),
            Map.entry("notification:clear", Domain.NOTIFICATIONS),
            Map.entry("notification:clear-all", Domain.NOTIFICATIONS),
            Map.entry("notification:get-pending", Domain.NOTIFICATIONS),
            Map.entry("notification:mute", Domain.NOTIFICATIONS),
            Map.entry("notification:unmute", Domain.NOTIFICATIONS),
            Map.entry("notification:set-dnd", Domain.NOTIFICATIONS),
            Map.entry("notification:get-preferences", Domain.NOTIFICATIONS),
            Map.entry("push:register", Domain.NOTIFICATIONS),
            Map.entry("push:unregister", Domain.NOTIFICATIONS));

    /**
     * Events that end something the client started (typing, a room, a call, a subscription, a
     * push registration): never shed under overload ({@link ShedPolicy}), because clients send
     * them without waiting for an answer and a lost one leaves the state on (a typing indicator
     * that stays, a call that rings on, pushes to a device that unregistered). They are few.
     */
    public static final Set<String> NEVER_SHED = Set.of("message:stop-typing", "chat:leave", "call:reject",
            "call:end", "presence:unsubscribe", "push:unregister");

    /** The in-band authentication event of the native protocol: {@code {"token": "..."}}. */
    public static final String AUTH = "auth";

    /**
     * Replaces an authenticated connection's token before it expires, both protocols:
     * {@code {"token": "..."}} of the same user; acked {@code {expiresAt}} (ms).
     */
    public static final String AUTH_REFRESH = "auth:refresh";

    /** Whether {@code name} is a client event (a domain's, or one the gateway handles itself). */
    public static boolean isKnown(String name) {
        return OWNERS.containsKey(name) || AUTH.equals(name) || AUTH_REFRESH.equals(name);
    }

    private ClientEvents() {
    }
}
