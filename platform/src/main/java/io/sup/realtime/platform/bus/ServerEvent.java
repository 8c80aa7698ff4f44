package io.sup.realtime.platform.bus;

/**
 * The server -> client events of the original's catalogue (19), by their wire names. The
 * delivery bus carries only these, so a typo cannot reach a client; the gateway emits
 * {@link #CONNECTED} and {@link #ERROR} itself, the domain services the rest.
 */
public enum ServerEvent {
    /** Authentication succeeded: {@code {userId, deviceId, connectionId}}. */
    CONNECTED("connected"),
    /** A new message in one of the user's chats. */
    MESSAGE_NEW("message:new"),
    /** Messages of the user were delivered to a member's device. */
    MESSAGE_DELIVERED("message:delivered"),
    /** Messages of the user were read by a member. */
    MESSAGE_READ("message:read"),
    /** A member started typing in a chat the connection joined. */
    MESSAGE_TYPING("message:typing"),
    /** A member stopped typing (or its typing expired). */
    MESSAGE_STOP_TYPING("message:stop-typing"),
    /** A watched user's presence changed. */
    PRESENCE_UPDATE("presence:update"),
    /** Someone is calling the user. */
    CALL_INCOMING("call:incoming"),
    /** The callee answered (carries the SDP answer). */
    CALL_ANSWER("call:answer"),
    /** The callee rejected the call. */
    CALL_REJECT("call:reject"),
    /** The call ended. */
    CALL_END("call:end"),
    /** A WebRTC ICE candidate from the other party. */
    CALL_ICE_CANDIDATE("call:ice-candidate"),
    /** A reaction was added to a message. */
    REACTION_NEW("reaction:new"),
    /** A reaction was removed from a message. */
    REACTION_REMOVE("reaction:remove"),
    /** A chat's details changed. */
    CHAT_UPDATED("chat:updated"),
    /** A member joined a chat. */
    CHAT_MEMBER_JOINED("chat:member-joined"),
    /** A member left a chat. */
    CHAT_MEMBER_LEFT("chat:member-left"),
    /** A new notification for the user. */
    NOTIFICATION_NEW("notification:new"),
    /** {@code notification:badge}: the badge after a read or clear on another of the user's devices. */
    NOTIFICATION_BADGE("notification:badge"),
    /**
     * The connection's token expires soon ({@code {expiresAt, expiresInMs}}, ms): send
     * {@code auth:refresh} with a new token before then, or the connection closes with 4440.
     */
    AUTH_EXPIRING("auth:expiring"),
    /** A failure the client asked no ack for: {@code {code, message, event?, retryAfterMs?}}. */
    ERROR("error");

    private final String wireName;

    ServerEvent(String wireName) {
        this.wireName = wireName;
    }

    /** The event's name on the wire, e.g. {@code message:new}. */
    public String wireName() {
        return wireName;
    }
}
