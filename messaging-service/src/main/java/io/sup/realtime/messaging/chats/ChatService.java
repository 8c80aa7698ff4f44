package io.sup.realtime.messaging.chats;

import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.sup.realtime.messaging.ClientEvent;
import io.sup.realtime.messaging.UserLimits;
import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.ids.Ids;

/**
 * Chats and membership: creating chats, changing members, and the one membership rule every
 * user-facing operation goes through ({@link #requireMember}). A non-member is told the same
 * thing whether or not the chat exists, so membership checks leak nothing. The user-facing
 * checks run the user's rate limit for their event in the same round trip; the admin
 * operations (internal backends) are not limited.
 */
public final class ChatService {
    /** Chat ids: 1-64 characters of {@code [A-Za-z0-9_.:-]}. */
    private static final Pattern CHAT_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    private static final int MAX_TITLE_LENGTH = 256;

    private final ChatStore store;
    private final int maxMembers;
    private final Clock clock;
    private final ChatEvents events;
    private final ChatNotifications notifications;
    private final UserLimits limits;

    /**
     * @param store         chat storage
     * @param maxMembers    most members a chat may have
     * @param clock         time source for creation times
     * @param events        where changes are announced to members
     * @param notifications where added members go to be notified
     * @param limits        per-user rate limits of the user-facing checks
     */
    public ChatService(ChatStore store, int maxMembers, Clock clock, ChatEvents events,
                       ChatNotifications notifications, UserLimits limits) {
        this.store = store;
        this.maxMembers = maxMembers;
        this.clock = clock;
        this.events = events;
        this.notifications = notifications;
        this.limits = limits;
    }

    /**
     * Creates a chat. Its members are not notified: whoever creates a chat tells its members
     * (only {@link #addMembers} writes a notification record).
     *
     * @throws ServiceException INVALID_ARGUMENT for a malformed id, title or member id, or too
     *     many members; ALREADY_EXISTS when the id is taken
     */
    public Chat create(String chatId, String title, List<String> memberIds) {
        requireWellFormedChatId(chatId);
        requireValidTitle(title);
        Set<String> members = wellFormedUsers(memberIds);
        if (members.size() > maxMembers) {
            throw ServiceException.invalidArgument("a chat has at most " + maxMembers + " members");
        }
        if (!store.create(chatId, title, members, clock.instant())) {
            throw ServiceException.alreadyExists("chat " + chatId + " already exists");
        }
        return get(chatId);
    }

    /**
     * Adds members; present ones are left as they are. The users newly added are handed to
     * the notifications (one record for the call), then announced to the members.
     *
     * @throws ServiceException NOT_FOUND for an unknown chat; INVALID_ARGUMENT for a malformed
     *     user id or when the chat would exceed its member limit
     */
    public Chat addMembers(String chatId, List<String> userIds) {
        Set<String> users = wellFormedUsers(userIds);
        requireExists(chatId);
        long count = store.memberCount(chatId);
        if (count + users.size() > maxMembers) {
            // Only then count precisely: re-adding present members is allowed.
            long newcomers = users.stream().filter(u -> !store.isMember(chatId, u)).count();
            if (count + newcomers > maxMembers) {
                throw ServiceException.invalidArgument("a chat has at most " + maxMembers + " members");
            }
        }
        List<String> added = users.isEmpty() ? List.of() : store.addMembers(chatId, users);
        if (!added.isEmpty()) {
            notifications.membersAdded(chatId, added, clock.instant());
        }
        Chat chat = get(chatId);
        for (String user : added) {
            events.memberJoined(chatId, user, chat.memberIds());
        }
        return chat;
    }

    /**
     * Renames a chat; members are told with {@code chat:updated}.
     *
     * @throws ServiceException NOT_FOUND for an unknown chat; INVALID_ARGUMENT for a title
     *     over 256 characters
     */
    public Chat update(String chatId, String title) {
        requireValidTitle(title);
        requireExists(chatId);
        store.setTitle(chatId, title);
        Chat chat = get(chatId);
        events.chatUpdated(chat);
        return chat;
    }

    /**
     * Removes members; absent ones are ignored.
     *
     * @throws ServiceException NOT_FOUND for an unknown chat; INVALID_ARGUMENT for a malformed user id
     */
    public Chat removeMembers(String chatId, List<String> userIds) {
        Set<String> users = wellFormedUsers(userIds);
        requireExists(chatId);
        List<String> removed = users.isEmpty() ? List.of() : store.removeMembers(chatId, users);
        Chat chat = get(chatId);
        for (String user : removed) {
            // The one who left hears it too: its devices drop the chat.
            Set<String> recipients = new LinkedHashSet<>(chat.memberIds());
            recipients.add(user);
            events.memberLeft(chatId, user, recipients);
        }
        return chat;
    }

    /**
     * The chat with its members (admin view).
     *
     * @throws ServiceException NOT_FOUND for an unknown chat
     */
    public Chat get(String chatId) {
        requireWellFormedChatId(chatId);
        return store.find(chatId).orElseThrow(() -> ServiceException.notFound("chat " + chatId + " not found"));
    }

    /**
     * The ids of the chats {@code userId} belongs to, sorted.
     *
     * @throws ServiceException INVALID_ARGUMENT for a malformed user id
     */
    public List<String> chatsOf(String userId) {
        requireWellFormedUser(userId);
        return store.chatsOf(userId);
    }

    /** Most candidates in one {@link #sharedChatUsers} call. */
    public static final int MAX_SHARED_CHAT_CANDIDATES = 1_000;

    /**
     * Of {@code candidateIds}, those that share at least one chat with {@code userId}, in the
     * order given, each once (admin view, for presence and call signalling). {@code userId}
     * among the candidates is kept only when it is in some chat. Unknown users are simply
     * absent. Cost: at most two Redis round trips (none for no candidates), O(candidates x
     * the user's chats) in Redis.
     *
     * @throws ServiceException INVALID_ARGUMENT for a malformed user or candidate id, or more
     *     than {@value #MAX_SHARED_CHAT_CANDIDATES} candidates (counted as given, duplicates
     *     included)
     */
    public List<String> sharedChatUsers(String userId, List<String> candidateIds) {
        requireWellFormedUser(userId);
        if (candidateIds.size() > MAX_SHARED_CHAT_CANDIDATES) {
            throw ServiceException.invalidArgument("at most " + MAX_SHARED_CHAT_CANDIDATES
                    + " candidates, got " + candidateIds.size());
        }
        return store.sharingAChatWith(userId, List.copyOf(wellFormedUsers(candidateIds)));
    }

    /**
     * Passes when {@code userId} is a member of {@code chatId} and within its rate limit for
     * {@code event}, the client event this check is the first step of (one round trip for both).
     *
     * @throws ServiceException INVALID_ARGUMENT for a malformed chat id; RESOURCE_EXHAUSTED
     *     when the rate limit refuses; PERMISSION_DENIED when not a member, including when
     *     the chat does not exist
     */
    public void requireMember(String chatId, String userId, ClientEvent event) {
        requireWellFormedChatId(chatId);
        if (!store.isMember(chatId, userId, limits.check(userId, event))) {
            throw notAMember(chatId);
        }
    }

    /**
     * {@code chat:join}: passes when {@code userId} may join the chat's room.
     *
     * @throws ServiceException as {@link #requireMember}
     */
    public void join(String chatId, String userId) {
        requireMember(chatId, userId, ClientEvent.CHAT_JOIN);
    }

    /**
     * {@code chat:leave}: passes when {@code userId} may leave the chat's room (a member).
     *
     * @throws ServiceException as {@link #requireMember}
     */
    public void leave(String chatId, String userId) {
        requireMember(chatId, userId, ClientEvent.CHAT_LEAVE);
    }

    /** Most chats in one {@code chat:join-multiple}. */
    public static final int MAX_JOIN_MANY = 100;

    /**
     * One chat's answer in {@link #requireMemberOfEach}: joined, or the kind of refusal.
     *
     * @param chatId  the chat
     * @param refusal null when the user may join
     */
    public record JoinResult(String chatId, ServiceException.Kind refusal) {
    }

    /**
     * Membership checks for {@code chat:join-multiple}: one result per chat, in order, so one
     * refused chat does not fail the rest. The whole request is one event for the rate limit.
     *
     * @throws ServiceException INVALID_ARGUMENT for no chats or more than {@value #MAX_JOIN_MANY};
     *     RESOURCE_EXHAUSTED when the rate limit refuses
     */
    public List<JoinResult> requireMemberOfEach(List<String> chatIds, String userId) {
        if (chatIds.isEmpty() || chatIds.size() > MAX_JOIN_MANY) {
            throw ServiceException.invalidArgument("chatIds must hold 1-" + MAX_JOIN_MANY + " chats");
        }
        List<String> wellFormed = chatIds.stream().filter(id -> id != null && CHAT_ID.matcher(id).matches()).toList();
        List<Boolean> member = store.isMemberOfEach(wellFormed, userId, limits.check(userId, ClientEvent.CHAT_JOIN_MULTIPLE));
        Map<String, Boolean> isMember = new HashMap<>();
        for (int i = 0; i < wellFormed.size(); i++) {
            isMember.put(wellFormed.get(i), member.get(i));
        }
        return chatIds.stream().map(chatId -> new JoinResult(chatId,
                !isMember.containsKey(chatId) ? ServiceException.Kind.INVALID_ARGUMENT
                        : isMember.get(chatId) ? null : ServiceException.Kind.PERMISSION_DENIED)).toList();
    }

    /**
     * The members viewing the chat now (a connection in its room, on any gateway), sorted
     * ({@code chat:get-active-members}).
     *
     * @throws ServiceException as {@link #requireMember}
     */
    public List<String> activeMembers(String chatId, String userId, RoomPresence presence) {
        requireMember(chatId, userId, ClientEvent.CHAT_GET_ACTIVE_MEMBERS);
        return presence.usersViewing(chatId).stream().filter(user -> store.isMember(chatId, user)).toList();
    }

    /** The error a non-member gets for any operation on {@code chatId}. */
    public static ServiceException notAMember(String chatId) {
        return ServiceException.permissionDenied("not a member of chat " + chatId);
    }

    /**
     * Checks the shape of a chat id.
     *
     * @throws ServiceException INVALID_ARGUMENT when malformed
     */
    public static void requireWellFormedChatId(String chatId) {
        if (chatId == null || !CHAT_ID.matcher(chatId).matches()) {
            throw ServiceException.invalidArgument("chatId must be 1-64 characters of A-Z a-z 0-9 _ . : -");
        }
    }

    private static void requireValidTitle(String title) {
        if (title.length() > MAX_TITLE_LENGTH) {
            throw ServiceException.invalidArgument("title is longer than " + MAX_TITLE_LENGTH + " characters");
        }
    }

    private void requireExists(String chatId) {
        requireWellFormedChatId(chatId);
        if (!store.exists(chatId)) {
            throw ServiceException.notFound("chat " + chatId + " not found");
        }
    }

    private static Set<String> wellFormedUsers(List<String> userIds) {
        Set<String> users = new LinkedHashSet<>();
        for (String userId : userIds) {
            requireWellFormedUser(userId);
            users.add(userId);
        }
        return users;
    }

    private static void requireWellFormedUser(String userId) {
        if (!Ids.isValid(userId)) {
            throw ServiceException.invalidArgument("user ids must be 1-" + Ids.MAX_LENGTH
                    + " characters of A-Z a-z 0-9 _ . : @ -");
        }
    }
}
