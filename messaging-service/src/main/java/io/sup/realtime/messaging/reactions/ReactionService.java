package io.sup.realtime.messaging.reactions;

import java.util.List;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.sup.realtime.messaging.ClientEvent;
import io.sup.realtime.messaging.UserLimits;
import io.sup.realtime.messaging.chats.ChatService;
import io.sup.realtime.messaging.chats.ChatStore;
import io.sup.realtime.messaging.messages.MessageIds;
import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.limits.RateCheck;

/**
 * Reactions ({@code reaction:new}, {@code reaction:remove}, {@code reaction:get}): exactly one
 * emoji each ({@link Emoji}), one per user, emoji and message, idempotent, members only,
 * announced to the chat's members when something changed.
 */
public final class ReactionService {
    private final ChatStore chats;
    private final ReactionStore store;
    private final ReactionEvents events;
    private final UserLimits limits;
    private final Counter added = changes("added");
    private final Counter removed = changes("removed");

    /**
     * @param chats  members, for announcements
     * @param store  reactions
     * @param events where changes are announced
     * @param limits per-user rate limits ({@code reaction:new}, {@code reaction:remove},
     *               {@code reaction:get})
     */
    public ReactionService(ChatStore chats, ReactionStore store, ReactionEvents events, UserLimits limits) {
        this.chats = chats;
        this.store = store;
        this.events = events;
        this.limits = limits;
    }

    /**
     * Adds ({@code add}) or removes a reaction. The user's rate limit for the event
     * ({@code reaction:new} or {@code reaction:remove}) is checked in the same script, after
     * the membership and the message (see {@code lua/react.lua}).
     *
     * @return the emoji in its canonical (fully-qualified) form
     * @throws ServiceException INVALID_ARGUMENT for a bad chat or message id, a message not in
     *     the chat, or anything but exactly one emoji; PERMISSION_DENIED for a non-member (also
     *     for an unknown chat); RESOURCE_EXHAUSTED when the rate limit refuses
     */
    public String change(String chatId, String messageId, String userId, String emoji, boolean add) {
        ChatService.requireWellFormedChatId(chatId);
        long seq = MessageIds.seq(messageId, "messageId");
        String canonical = Emoji.canonical(emoji)
                .orElseThrow(() -> ServiceException.invalidArgument("a reaction is exactly one emoji"));
        RateCheck check = limits.check(userId, add ? ClientEvent.REACTION_NEW : ClientEvent.REACTION_REMOVE);
        switch (store.change(chatId, seq, userId, canonical, add, check)) {
            case ReactionStore.Outcome.NotMember n -> throw ChatService.notAMember(chatId);
            case ReactionStore.Outcome.NoSuchMessage n -> throw ServiceException.invalidArgument(
                    "message " + messageId + " is not a message of chat " + chatId);
            case ReactionStore.Outcome.RateLimited r -> throw check.refused(r.retryAfterMs());
            case ReactionStore.Outcome.Done done -> {
                if (done.changed()) {
                    (add ? added : removed).increment();
                    events.changed(chatId, messageId, canonical, userId, add, chats.memberIds(chatId));
                }
                // else already so: idempotent, nothing to announce.
            }
        }
        return canonical;
    }

    /**
     * The reactions on a message, with counts and who reacted ({@code reaction:get}; its rate
     * limit, by default the shared ceiling, is checked in the membership read's round trip).
     *
     * @throws ServiceException as {@link #change}
     */
    public List<Reaction> of(String chatId, String messageId, String userId) {
        ChatService.requireWellFormedChatId(chatId);
        long seq = MessageIds.seq(messageId, "messageId");
        if (!chats.isMember(chatId, userId, limits.check(userId, ClientEvent.REACTION_GET))) {
            throw ChatService.notAMember(chatId);
        }
        if (!store.exists(chatId, seq)) {
            throw ServiceException.invalidArgument("message " + messageId + " is not a message of chat " + chatId);
        }
        return store.of(chatId, seq);
    }

    private static Counter changes(String change) {
        return Metrics.globalRegistry().getOrCreate(Counter.builder("messaging.reactions")
                .description("Reactions that changed a message's reactions (an idempotent repeat is not counted), by change")
                .tags(List.of(Tag.create("change", change))));
    }
}
