package io.sup.realtime.presence.subscriptions;

import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.sup.realtime.platform.expiry.ExpiryCutoff;
import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.limits.RateCheck;
import io.sup.realtime.platform.limits.RateLimiter;
import io.sup.realtime.platform.lifecycle.ConnectionRef;
import io.sup.realtime.presence.status.Presence;
import io.sup.realtime.presence.status.PresenceService;
import io.sup.realtime.presence.status.PresenceStore;
import io.sup.realtime.presence.status.Watchers;
import io.sup.realtime.presence.subscriptions.SubscriptionStore.Watcher;
import io.sup.realtime.presence.visibility.Visibility;

/**
 * Presence subscriptions, per connection: {@code presence:subscribe} watches the users the
 * caller may see ({@link Visibility}) and answers with their presence, ignoring the others
 * without saying whether they exist; a connection holds at most a bounded number, released
 * when it closes or expires. The rule is checked again at every change, so a subscriber who
 * stops being allowed (removed from the last shared chat, dropped from a contact list) stops
 * hearing of changes at once (within the shared-chat cache's lifetime).
 */
public final class SubscriptionService implements Watchers {
    /** Most users in one subscribe or unsubscribe. */
    public static final int MAX_PER_REQUEST = 100;
    /** The client events, for the rate limits (both under the service's ceiling by default). */
    private static final String SUBSCRIBE_EVENT = "presence:subscribe";
    private static final String UNSUBSCRIBE_EVENT = "presence:unsubscribe";

    private final SubscriptionStore store;
    private final Visibility visibility;
    private final PresenceStore presences;
    private final RateLimiter limiter;
    private final int maxPerConnection;
    private final Clock clock;
    private final ExpiryCutoff cutoff;

    /**
     * @param store            subscriptions in Redis
     * @param visibility       who may see whom
     * @param presences        the current presence of subscribed users, for the answer
     * @param limiter          the per-user rate limits
     * @param maxPerConnection most users one connection may watch
     * @param clock            the service's clock
     * @param cutoff           when a subscriber's connection record counts as expired
     */
    public SubscriptionService(SubscriptionStore store, Visibility visibility, PresenceStore presences,
                               RateLimiter limiter, int maxPerConnection, Clock clock, ExpiryCutoff cutoff) {
        this.store = store;
        this.visibility = visibility;
        this.presences = presences;
        this.limiter = limiter;
        this.maxPerConnection = maxPerConnection;
        this.clock = clock;
        this.cutoff = cutoff;
    }

    /**
     * {@code presence:subscribe}: the caller's connection watches those of {@code userIds} it
     * may see.
     *
     * @return the presence of each user watched now, in the order asked (each once)
     * @throws ServiceException INVALID_ARGUMENT for no ids, more than {@value #MAX_PER_REQUEST},
     *     a malformed id, more subscriptions than a connection may hold, or a closed connection;
     *     RESOURCE_EXHAUSTED when the rate limit refuses; UNAVAILABLE when who shares a chat
     *     with the caller cannot be learnt
     */
    public List<Presence> subscribe(ConnectionRef caller, List<String> userIds) {
        List<String> wanted = requireUserIds(userIds);
        RateCheck check = limiter.check(caller.userId(), SUBSCRIBE_EVENT);
        List<String> visible = visibility.visibleTo(caller.userId(), wanted, check);
        if (visible.isEmpty()) {
            return List.of();
        }
        switch (store.subscribe(new Watcher(caller.connectionId(), caller.userId()), visible, maxPerConnection,
                clock.millis())) {
            case SubscriptionStore.Outcome.ConnectionClosed c ->
                    throw ServiceException.invalidArgument("the connection has closed");
            case SubscriptionStore.Outcome.TooMany t -> throw ServiceException.invalidArgument(
                    "a connection may watch at most " + maxPerConnection + " users; it watches " + t.held());
            case SubscriptionStore.Outcome.Done d -> {
            }
        }
        return presences.read(visible, clock.millis());
    }

    /**
     * {@code presence:unsubscribe}: the caller's connection stops watching {@code userIds}
     * (idempotent).
     *
     * @return the ids, each once, in the order given
     * @throws ServiceException INVALID_ARGUMENT for no ids, more than {@value #MAX_PER_REQUEST}
     *     or a malformed id; RESOURCE_EXHAUSTED when the rate limit refuses
     */
    public List<String> unsubscribe(ConnectionRef caller, List<String> userIds) {
        List<String> ids = requireUserIds(userIds);
        store.unsubscribe(new Watcher(caller.connectionId(), caller.userId()), ids,
                limiter.check(caller.userId(), UNSUBSCRIBE_EVENT));
        return ids;
    }

    @Override
    public void release(String userId, String connectionId) {
        store.release(new Watcher(connectionId, userId));
    }

    @Override
    public List<String> allowedToSee(String userId) {
        List<Watcher> live = store.liveWatchers(userId, cutoff.cutoff());
        if (live.isEmpty()) {
            return List.of();
        }
        Set<String> allowed = visibility.mayWatch(userId, live.stream().map(Watcher::userId).collect(Collectors.toSet()));
        return live.stream().filter(w -> allowed.contains(w.userId())).map(Watcher::connectionId).toList();
    }

    private static List<String> requireUserIds(List<String> userIds) {
        List<String> ids = List.copyOf(new LinkedHashSet<>(userIds));
        if (ids.isEmpty() || userIds.size() > MAX_PER_REQUEST) { // counted as sent, repeats included
            throw ServiceException.invalidArgument("userIds must hold 1-" + MAX_PER_REQUEST + " users");
        }
        ids.forEach(PresenceService::requireUserId);
        return ids;
    }
}
