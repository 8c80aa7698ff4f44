package io.sup.realtime.messaging.chats;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import io.sup.realtime.messaging.MessagingKeys;
import io.sup.realtime.platform.limits.RateCheck;
import io.sup.realtime.platform.redis.LuaScript;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * Chats and membership in Redis (keyspace {@code msg:}).
 *
 * <ul>
 *   <li>{@code msg:{<chat>}:meta} hash {@code title}, {@code createdAt} (ms). One per chat.</li>
 *   <li>{@code msg:{<chat>}:members} set of user ids. Bounded by the service's member limit.</li>
 *   <li>{@code msg:user:{<user>}:chats} set of chat ids, the reverse index. Bounded by the
 *       number of chats the user belongs to; it lives on the user's slot, so it is written
 *       after the chat's own keys (a failure between the two leaves the chat correct and the
 *       index short, which the next add repairs).</li>
 * </ul>
 */
public final class ChatStore {
    private static final LuaScript CREATE = LuaScript.fromResource(ChatStore.class, "/lua/create_chat.lua");

    private final UnifiedJedis redis;

    /** @param redis the messaging service's Redis */
    public ChatStore(UnifiedJedis redis) {
        this.redis = redis;
    }

    /** Creates the chat; false when the id is taken. */
    boolean create(String chatId, String title, Collection<String> memberIds, Instant now) {
        List<String> args = new java.util.ArrayList<>(2 + memberIds.size());
        args.add(title);
        args.add(Long.toString(now.toEpochMilli()));
        args.addAll(memberIds);
        Object created = CREATE.run(redis, List.of(MessagingKeys.meta(chatId), MessagingKeys.members(chatId)), args);
        if (!Long.valueOf(1).equals(created)) {
            return false;
        }
        indexMembers(chatId, memberIds, true);
        return true;
    }

    /** Whether the chat exists. */
    boolean exists(String chatId) {
        return redis.exists(MessagingKeys.meta(chatId));
    }

    /** Adds members; returns those that were not members before, in the given order. */
    List<String> addMembers(String chatId, Collection<String> userIds) {
        List<String> added = changed(chatId, userIds, true);
        indexMembers(chatId, userIds, true);
        return added;
    }

    /** Removes members; returns those that were members, in the given order. */
    List<String> removeMembers(String chatId, Collection<String> userIds) {
        List<String> removed = changed(chatId, userIds, false);
        indexMembers(chatId, userIds, false);
        return removed;
    }

    /** Sets the chat's title. */
    void setTitle(String chatId, String title) {
        redis.hset(MessagingKeys.meta(chatId), "title", title);
    }

    /** SADD/SREM one user at a time in one pipeline, so each reply says whether that user changed. */
    private List<String> changed(String chatId, Collection<String> userIds, boolean add) {
        List<String> users = List.copyOf(userIds);
        try (AbstractPipeline pipeline = redis.pipelined()) {
            List<Response<Long>> replies = users.stream()
                    .map(u -> add ? pipeline.sadd(MessagingKeys.members(chatId), u) : pipeline.srem(MessagingKeys.members(chatId), u))
                    .toList();
            pipeline.sync();
            List<String> changed = new java.util.ArrayList<>();
            for (int i = 0; i < users.size(); i++) {
                if (replies.get(i).get() == 1L) {
                    changed.add(users.get(i));
                }
            }
            return changed;
        }
    }

    /** Whether {@code userId} is a member; false for an unknown chat. */
    public boolean isMember(String chatId, String userId) {
        return redis.sismember(MessagingKeys.members(chatId), userId);
    }

    /**
     * Whether {@code userId} is a member, read in the round trip that runs {@code check}
     * (pipelined; the answer is discarded when the check refuses).
     *
     * @throws io.sup.realtime.platform.grpc.ServiceException RESOURCE_EXHAUSTED when {@code check} refuses
     */
    public boolean isMember(String chatId, String userId, RateCheck check) {
        return check.alongside(redis, pipeline -> pipeline.sismember(MessagingKeys.members(chatId), userId));
    }

    /**
     * For each chat, whether {@code userId} is a member: one pipelined round trip, which also
     * runs {@code check}.
     *
     * @throws io.sup.realtime.platform.grpc.ServiceException RESOURCE_EXHAUSTED when {@code check} refuses
     */
    List<Boolean> isMemberOfEach(List<String> chatIds, String userId, RateCheck check) {
        return check.alongside(redis, pipeline -> {
            List<Response<Boolean>> replies = chatIds.stream()
                    .map(chatId -> pipeline.sismember(MessagingKeys.members(chatId), userId)).toList();
            return () -> replies.stream().map(Response::get).toList();
        });
    }

    /** The members, possibly empty. */
    public Set<String> memberIds(String chatId) {
        return redis.smembers(MessagingKeys.members(chatId));
    }

    /** Number of members. */
    long memberCount(String chatId) {
        return redis.scard(MessagingKeys.members(chatId));
    }

    /** The chat, if it exists. */
    Optional<Chat> find(String chatId) {
        Map<String, String> meta = redis.hgetAll(MessagingKeys.meta(chatId));
        if (meta.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Chat(chatId, meta.getOrDefault("title", ""),
                new TreeSet<>(memberIds(chatId)),
                Instant.ofEpochMilli(Long.parseLong(meta.getOrDefault("createdAt", "0")))));
    }

    /** The chats {@code userId} belongs to, sorted. */
    List<String> chatsOf(String userId) {
        return new TreeSet<>(redis.smembers(MessagingKeys.userChats(userId))).stream().toList();
    }

    /**
     * Of {@code candidateIds} (distinct), those in at least one chat with {@code userId}, in
     * the given order; {@code userId} itself among them counts when it is in any chat. At most
     * two round trips, each command on one key (Redis Cluster safe): SMEMBERS of the user's
     * chats, then, only when there are some, one pipeline of
     * {@code SMISMEMBER msg:user:{<candidate>}:chats <those chats>} per candidate. Cost:
     * O(candidates x the user's chats) in Redis.
     */
    List<String> sharingAChatWith(String userId, List<String> candidateIds) {
        if (candidateIds.isEmpty()) {
            return List.of();
        }
        String[] chats = redis.smembers(MessagingKeys.userChats(userId)).toArray(String[]::new);
        if (chats.length == 0) {
            return List.of();
        }
        try (AbstractPipeline pipeline = redis.pipelined()) {
            List<Response<List<Boolean>>> replies = candidateIds.stream()
                    .map(candidate -> pipeline.smismember(MessagingKeys.userChats(candidate), chats)).toList();
            pipeline.sync();
            List<String> sharing = new java.util.ArrayList<>();
            for (int i = 0; i < candidateIds.size(); i++) {
                if (replies.get(i).get().contains(Boolean.TRUE)) {
                    sharing.add(candidateIds.get(i));
                }
            }
            return sharing;
        }
    }

    private void indexMembers(String chatId, Collection<String> userIds, boolean add) {
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (String userId : userIds) {
                if (add) {
                    pipeline.sadd(MessagingKeys.userChats(userId), chatId);
                } else {
                    pipeline.srem(MessagingKeys.userChats(userId), chatId);
                }
            }
            pipeline.sync();
        }
    }
}
