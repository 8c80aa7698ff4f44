package io.sup.realtime.messaging.reactions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import io.sup.realtime.messaging.MessagingKeys;
import io.sup.realtime.platform.limits.RateCheck;
import io.sup.realtime.platform.limits.RateLimiter;
import io.sup.realtime.platform.redis.LuaScript;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;

/**
 * Reactions in Redis: one hash per message (see {@link MessagingKeys#reactions}), changed by
 * {@code lua/react.lua} with the membership and rate checks.
 */
public final class ReactionStore {
    private static final LuaScript REACT = LuaScript.fromResources(ReactionStore.class, RateLimiter.PRELUDE,
            "/lua/react.lua");

    private final UnifiedJedis redis;
    private final Duration retention;

    /**
     * @param redis     the messaging service's Redis
     * @param retention how long a message's reactions are kept after its last reaction
     */
    public ReactionStore(UnifiedJedis redis, Duration retention) {
        this.redis = redis;
        this.retention = retention;
    }

    /** What a change did. */
    sealed interface Outcome {
        /** The user is not a member (or the chat does not exist). */
        record NotMember() implements Outcome {
        }

        /** The message is not (or no longer) in the chat's log. */
        record NoSuchMessage() implements Outcome {
        }

        /** The user's rate limit refused the change; nothing changed. */
        record RateLimited(long retryAfterMs) implements Outcome {
        }

        /** Changed ({@code true}), or already so ({@code false}). */
        record Done(boolean changed) implements Outcome {
        }
    }

    /** Adds ({@code add}) or removes a reaction, if {@code check} allows it (one script). */
    Outcome change(String chatId, long seq, String userId, String emoji, boolean add, RateCheck check) {
        Object reply = REACT.run(redis, check.keys(redis, List.of(MessagingKeys.members(chatId), MessagingKeys.log(chatId),
                        MessagingKeys.reactions(chatId, seq))),
                check.args(List.of(userId, Long.toString(seq), emoji + "\t" + userId, add ? "add" : "remove",
                        Long.toString(retention.toMillis()))));
        if (reply instanceof List<?> refused) {
            return new Outcome.RateLimited((Long) refused.get(1));
        }
        long code = (Long) reply;
        return code == -1 ? new Outcome.NotMember() : code == -2 ? new Outcome.NoSuchMessage()
                : new Outcome.Done(code == 1);
    }

    /** Whether message {@code seq} is still in the chat's log. */
    boolean exists(String chatId, long seq) {
        StreamEntryID id = new StreamEntryID(seq, 0);
        return !redis.xrange(MessagingKeys.log(chatId), id, id, 1).isEmpty();
    }

    /** The reactions on a message, most used first, then by emoji. */
    List<Reaction> of(String chatId, long seq) {
        Map<String, TreeSet<String>> usersByEmoji = new TreeMap<>();
        for (String field : redis.hkeys(MessagingKeys.reactions(chatId, seq))) {
            int tab = field.lastIndexOf('\t');
            if (tab > 0) {
                usersByEmoji.computeIfAbsent(field.substring(0, tab), e -> new TreeSet<>()).add(field.substring(tab + 1));
            }
        }
        List<Reaction> reactions = new ArrayList<>();
        usersByEmoji.forEach((emoji, users) -> reactions.add(new Reaction(emoji, List.copyOf(users))));
        reactions.sort(Comparator.comparingInt(Reaction::count).reversed());
        return reactions;
    }
}
