package io.sup.realtime.platform.bus;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.sup.realtime.platform.redis.RedisSettings;
import io.sup.realtime.platform.redis.ShardedSubscription;
import redis.clients.jedis.resps.Tuple;

/**
 * Routing-registry entries a publishing service keeps in memory, so that delivering to a user
 * whose routes it read recently costs Redis nothing: the gateways announce every change of
 * membership on {@code gw:{routes}:changes} ({@link RoutingRegistry}), and this drops the
 * changed key when the announcement arrives.
 *
 * <p>What is kept is a key's whole sorted set, members with their scores (last refresh, ms
 * since the epoch); liveness is judged at each use against the registry's TTL, as a read of
 * Redis would, so an instance that dies drops out when its entries go stale, whatever the
 * cache holds. The gateways' heartbeats re-stamp scores without announcing, so an entry lives
 * at most a third of the TTL: read at {@code t}, its live members were stamped after
 * {@code t - ttl/3} (they are refreshed every third of the TTL), and so are still live at
 * {@code t + ttl/3} with a third of the TTL to spare for a late heartbeat.
 *
 * <p>Races: a read carries a {@linkplain #ticket() ticket} taken before it was sent, and its
 * result is {@linkplain #remember kept} only if no change of that key arrived since; while the
 * subscription is down nothing is served (announcements may be missed), and on every
 * (re)subscription whatever was kept before is dropped. What remains is the announcement's
 * own flight: between a gateway's write and this process reading its announcement (well under
 * a millisecond on one network), the old routes are served, as a read that raced the write
 * would have returned them. Writes no gateway announces (a {@code FLUSHALL}, a restore from a
 * backup) leave kept routes stale for up to a third of the TTL, unless followed by
 * {@link RoutingRegistry#announceAllChanged}.
 *
 * <p>Client-side caching with invalidation by Redis itself (RESP3 {@code CLIENT TRACKING},
 * Jedis's {@code redis.clients.jedis.csc}) would spare the announcements, but Jedis needs
 * Redis 7.4 or later for it and Debian's {@code redis-server} is 7.0.
 */
public final class RouteCache implements AutoCloseable {
    /** The announcement that any key may have changed ({@link RoutingRegistry#announceAllChanged}). */
    static final String ALL_KEYS = "*";

    /** Keys kept by default: 100,000 users' or rooms' routes, about 20 MB of heap at 200 bytes each. */
    public static final int DEFAULT_ENTRIES = 100_000;

    private final Cache<String, Entry> entries;
    private final ShardedSubscription subscription;
    /** Counts announcements and (re)subscriptions: tickets and {@link Changed} markers are its values. */
    private final AtomicLong changes = new AtomicLong();
    /** Entries read with a ticket below this were read before the last (re)subscription: not served. */
    private volatile long clearedAt = Long.MAX_VALUE;
    private volatile boolean subscribed;
    private final Counter hits = lookups("hit");
    private final Counter misses = lookups("miss");
    private final Counter announcements = Metrics.globalRegistry().getOrCreate(
            Counter.builder("bus.route.cache.announcements")
                    .description("Route keys whose change the gateways announced, applied to the route cache"));

    /**
     * @param redis      where the bus's Redis is (the announcements' channel)
     * @param ttl        the routing registry's entry lifetime ({@code BUS_ROUTE_TTL_MS}); entries are kept a third of it
     * @param maxEntries keys kept at most (least recently used go first)
     * @param clock      time source for entries' age (tests move it)
     */
    public RouteCache(RedisSettings redis, Duration ttl, int maxEntries, Clock clock) {
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("maxEntries must be positive, got " + maxEntries);
        }
        this.entries = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .expireAfterWrite(ttl.dividedBy(3))
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .build();
        this.subscription = new ShardedSubscription(redis, BusKeys.routeChanges(), "route-changes",
                "route changes", new ShardedSubscription.Listener() {
                    @Override
                    public void onMessage(byte[] message) {
                        String key = new String(message, StandardCharsets.UTF_8);
                        if (key.equals(ALL_KEYS)) {
                            clear();
                        } else {
                            changed(key);
                            announcements.increment();
                        }
                    }

                    @Override
                    public void onSubscribed() {
                        clear();
                        subscribed = true;
                    }

                    @Override
                    public void onLost() {
                        subscribed = false;
                        clear();
                    }
                });
    }

    /** Starts following the announcements; nothing is served until Redis confirms the subscription. */
    public RouteCache start() {
        subscription.start();
        return this;
    }

    /** Whether entries are being served (the announcements' subscription is active). */
    public boolean isServing() {
        return subscribed;
    }

    /**
     * To be taken before sending a read whose result goes to {@link #remember}.
     *
     * @return the number of changes seen so far
     */
    long ticket() {
        return changes.get();
    }

    /**
     * The members of {@code key} with their scores, as last read, or null when not kept (never
     * read, changed since, older than a third of the TTL, or not being served now).
     */
    List<Tuple> members(String key) {
        Entry entry = subscribed ? entries.getIfPresent(key) : null;
        if (entry instanceof Members kept && kept.ticket() >= clearedAt) {
            hits.increment();
            return kept.members();
        }
        misses.increment();
        return null;
    }

    /**
     * Keeps what a read of {@code key} found, unless a change of {@code key} arrived after
     * {@code ticket} was taken, or a later read's result is already kept.
     */
    void remember(String key, List<Tuple> members, long ticket) {
        if (!subscribed || ticket < clearedAt) {
            return;
        }
        Members read = new Members(List.copyOf(members), ticket);
        entries.asMap().compute(key, (k, kept) -> kept != null && kept.version() > ticket ? kept : read);
    }

    /** An announcement: {@code key}'s membership changed; reads sent before now must not be kept. */
    void changed(String key) {
        entries.put(key, new Changed(changes.incrementAndGet()));
    }

    private void clear() {
        clearedAt = changes.incrementAndGet();
        entries.invalidateAll();
    }

    private static Counter lookups(String result) {
        return Metrics.globalRegistry().getOrCreate(Counter.builder("bus.route.cache.lookups")
                .description("Route look-ups of the routing-registry cache, by result: hit (kept and served) or miss (read from Redis)")
                .tags(List.of(Tag.create("result", result))));
    }

    /** Stops following the announcements; nothing is served after this. */
    @Override
    public void close() {
        subscription.close();
        subscribed = false;
    }

    /** What is kept under a key: its members, or the mark of a change no read has caught up with. */
    private sealed interface Entry permits Members, Changed {
        /** The change count this entry reflects: a read's ticket, or the change's number. */
        long version();
    }

    private record Members(List<Tuple> members, long ticket) implements Entry {
        @Override
        public long version() {
            return ticket;
        }
    }

    private record Changed(long change) implements Entry {
        @Override
        public long version() {
            return change;
        }
    }
}
