package io.sup.realtime.messaging.reactions;

import java.util.List;

import io.sup.realtime.messaging.chats.ChatService;
import io.sup.realtime.messaging.chats.ChatStore;
import io.sup.realtime.messaging.messages.MessageIds;
import io.sup.realtime.platform.grpc.ServiceException;

/**
 * Reactions ({@code reaction:new}, {@code reaction:remove}, {@code reaction:get}): exactly one
 * emoji each ({@link Emoji}), one per user, emoji and message, idempotent, members only,
 * announced to the chat's members when something changed.
 */
public final class ReactionService {
    private final ChatStore chats;
    private final ReactionStore store;
    private final ReactionEvents events;

    /**
     * @param chats  members, for announcements
     * @param store  reactions
     * @param events where changes are announced
     */
    public ReactionService(ChatStore chats, ReactionStore store, ReactionEvents events) {
        this.chats = chats;
        this.store = store;
        this.events = events;
    }

    /**
     * Adds ({@code add}) or removes a reaction.
     *
     * @return the emoji in its canonical (fully-qualified) form
     * @throws ServiceException INVALID_ARGUMENT for a bad chat or message id, a message not in
     *     the chat, or anything but exactly one emoji; PERMISSION_DENIED for a non-member (also
     *     for an unknown chat)
     */
    public String change(String chatId, String messageId, String userId, String emoji, boolean add) {
        ChatService.requireWellFormedChatId(chatId);
        long seq = MessageIds.seq(messageId, "messageId");
        String canonical = Emoji.canonical(emoji)
                .orElseThrow(() -> ServiceException.invalidArgument("a reaction is exactly one emoji"));
        switch (store.change(chatId, seq, userId, canonical, add)) {
            case NOT_MEMBER -> throw ChatService.notAMember(chatId);
            case NO_SUCH_MESSAGE -> throw ServiceException.invalidArgument(
                    "message " + messageId + " is not a message of chat " + chatId);
            case CHANGED -> events.changed(chatId, messageId, canonical, userId, add, chats.memberIds(chatId));
            case UNCHANGED -> {
                // Already so: idempotent, nothing to announce.
            }
        }
        return canonical;
    }

    /**
     * The reactions on a message, with counts and who reacted.
     *
     * @throws ServiceException as {@link #change}
     */
    public List<Reaction> of(String chatId, String messageId, String userId) {
        ChatService.requireWellFormedChatId(chatId);
        long seq = MessageIds.seq(messageId, "messageId");
        if (!chats.isMember(chatId, userId)) {
            throw ChatService.notAMember(chatId);
        }
        if (!store.exists(chatId, seq)) {
            throw ServiceException.invalidArgument("message " + messageId + " is not a message of chat " + chatId);
        }
        return store.of(chatId, seq);
    }
}
