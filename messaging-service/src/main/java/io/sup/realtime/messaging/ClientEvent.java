package io.sup.realtime.messaging;

/**
 * The client events messaging-service serves, each with the {@code MessagingService} RPC the
 * gateway turns it into: the one place that maps the one to the other. Rate limits are
 * configured and counted by these names (platform's {@code RateLimits}); events without a
 * limit of their own share the ceiling. {@code ChatAdminService} (internal backends) and the
 * gateway's connection lifecycle reports are not client events and are not limited.
 */
public enum ClientEvent {
    /** {@code SendMessage}: stored and delivered; own limit by default. */
    MESSAGE_NEW("message:new", "SendMessage"),
    /** {@code SyncMessages}: a page of history. */
    MESSAGE_SYNC("message:sync", "SyncMessages"),
    /** {@code MarkDelivered}; own limit by default. */
    MESSAGE_DELIVERED("message:delivered", "MarkDelivered"),
    /** {@code MarkRead}; own limit by default. */
    MESSAGE_READ("message:read", "MarkRead"),
    /** {@code StartTyping}; own limit by default. */
    MESSAGE_TYPING("message:typing", "StartTyping"),
    /** {@code StopTyping}. */
    MESSAGE_STOP_TYPING("message:stop-typing", "StopTyping"),
    /** {@code AddReaction}; own limit by default. */
    REACTION_NEW("reaction:new", "AddReaction"),
    /** {@code RemoveReaction}; own limit by default. */
    REACTION_REMOVE("reaction:remove", "RemoveReaction"),
    /** {@code GetReactions}. */
    REACTION_GET("reaction:get", "GetReactions"),
    /** {@code JoinChat}. */
    CHAT_JOIN("chat:join", "JoinChat"),
    /** {@code LeaveChat}. */
    CHAT_LEAVE("chat:leave", "LeaveChat"),
    /** {@code JoinChats}: one event however many chats it names. */
    CHAT_JOIN_MULTIPLE("chat:join-multiple", "JoinChats"),
    /** {@code GetActiveMembers}. */
    CHAT_GET_ACTIVE_MEMBERS("chat:get-active-members", "GetActiveMembers");

    private final String wireName;
    private final String rpc;

    ClientEvent(String wireName, String rpc) {
        this.wireName = wireName;
        this.rpc = rpc;
    }

    /** The name clients send, e.g. {@code message:new}. */
    public String wireName() {
        return wireName;
    }

    /** The {@code sup.messaging.v1.MessagingService} method that carries it, e.g. {@code SendMessage}. */
    public String rpc() {
        return rpc;
    }
}
