package io.sup.realtime.presence.visibility;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

import io.sup.realtime.platform.limits.RateCheck;
import io.sup.realtime.presence.PresenceKeys;
import io.sup.realtime.platform.redis.LuaScript;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/** Contact lists in Redis ({@link PresenceKeys#contacts}): whom each user lets see their presence. */
public final class ContactStore {
    private static final LuaScript REPLACE = LuaScript.fromResource(ContactStore.class, "/lua/replace_contacts.lua");

    private final UnifiedJedis redis;

    /** @param redis the presence service's Redis */
    public ContactStore(UnifiedJedis redis) {
        this.redis = redis;
    }

    /** Replaces {@code userId}'s list with {@code contacts} (empty clears it), atomically. */
    void replace(String userId, Collection<String> contacts) {
        REPLACE.run(redis, List.of(PresenceKeys.contacts(userId)), List.copyOf(contacts));
    }

    /** {@code userId}'s list, sorted. */
    List<String> of(String userId) {
        return List.copyOf(new TreeSet<>(redis.smembers(PresenceKeys.contacts(userId))));
    }

    /** Of {@code owners}, those whose lists hold {@code viewer}: one round trip, which also runs {@code check}. */
    Set<String> listing(Collection<String> owners, String viewer, RateCheck check) {
        return check.alongside(redis, listingReads(owners, viewer));
    }

    /** Of {@code owners}, those whose lists hold {@code viewer}: one round trip. */
    Set<String> listing(Collection<String> owners, String viewer) {
        Supplier<Set<String>> answer;
        try (AbstractPipeline pipeline = redis.pipelined()) {
            answer = listingReads(owners, viewer).apply(pipeline);
            pipeline.sync();
        }
        return answer.get();
    }

    /** Queues "is {@code viewer} on the list" for each owner; the answer, read after sync, is the owners that list it. */
    private static Function<AbstractPipeline, Supplier<Set<String>>> listingReads(Collection<String> owners, String viewer) {
        List<String> ids = List.copyOf(owners);
        return pipeline -> {
            List<Response<Boolean>> replies = new ArrayList<>(ids.size());
            ids.forEach(owner -> replies.add(pipeline.sismember(PresenceKeys.contacts(owner), viewer)));
            return () -> {
                Set<String> listing = new HashSet<>();
                for (int i = 0; i < ids.size(); i++) {
                    if (replies.get(i).get()) {
                        listing.add(ids.get(i));
                    }
                }
                return listing;
            };
        };
    }

    /** Of {@code viewers}, those on {@code owner}'s list. */
    Set<String> listedBy(String owner, Collection<String> viewers) {
        List<String> ids = List.copyOf(viewers);
        List<Boolean> listed = redis.smismember(PresenceKeys.contacts(owner), ids.toArray(String[]::new));
        Set<String> result = new HashSet<>();
        for (int i = 0; i < ids.size(); i++) {
            if (listed.get(i)) {
                result.add(ids.get(i));
            }
        }
        return result;
    }
}
