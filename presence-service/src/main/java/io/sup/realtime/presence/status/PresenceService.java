package io.sup.realtime.presence.status;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.sup.realtime.platform.expiry.ExpiryCutoff;
import io.sup.realtime.platform.expiry.Moment;
import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.ids.Ids;
import io.sup.realtime.platform.limits.RateCheck;
import io.sup.realtime.platform.limits.RateLimiter;
import io.sup.realtime.platform.lifecycle.ConnectionLifecycle;
import io.sup.realtime.platform.lifecycle.ConnectionRef;

/**
 * The presence rules: a user is shown online (or away, busy) while any connection lives, on
 * any gateway, and for a grace period after the last one closed, so a reload or a network
 * switch does not flap; then offline, last seen when the last connection ended. A connection
 * lives while its gateway reports it (opened, then alive every few seconds); one whose
 * gateway stops reporting (a crash) expires by itself, last seen at its last report. What a
 * user sets ({@code presence:update}) holds for every device and survives devices coming and
 * going; {@code offline} set by the user shows offline while connected. Every change of what
 * others see goes to the subscribers allowed to see it ({@link Watchers}), and nobody else.
 */
public final class PresenceService implements ConnectionLifecycle {
    private static final Logger LOG = System.getLogger(PresenceService.class.getName());
    /** The client event whose rate limit {@link #update} checks. */
    public static final String UPDATE_EVENT = "presence:update";
    /** Most users in one {@link #getMany}. */
    public static final int MAX_BATCH = 500;
    /** Most users the sweep looks at in one round. */
    private static final int SWEEP_BATCH = 500;
    /** Most rounds in one sweep (50,000 users), so one run cannot go on for ever. */
    private static final int MAX_SWEEP_ROUNDS = 100;

    private final PresenceStore store;
    private final Watchers watchers;
    private final PresenceEvents events;
    private final RateLimiter limiter;
    private final Clock clock;
    private final ExpiryCutoff cutoff;
    private final Map<Status, Counter> changes = new LinkedHashMap<>();

    /**
     * @param store    presence in Redis
     * @param watchers who hears of changes
     * @param events   where changes go
     * @param limiter  the per-user rate limits ({@value #UPDATE_EVENT})
     * @param clock    the service's clock
     * @param cutoff   when connection records count as expired (the sweep keeps it up to date)
     */
    public PresenceService(PresenceStore store, Watchers watchers, PresenceEvents events, RateLimiter limiter, Clock clock,
                           ExpiryCutoff cutoff) {
        this.store = store;
        this.watchers = watchers;
        this.events = events;
        this.limiter = limiter;
        this.clock = clock;
        this.cutoff = cutoff;
        for (Status s : Status.values()) {
            changes.put(s, Metrics.globalRegistry().getOrCreate(Counter.builder("presence.changes")
                    .description("Changes of what others see of a user, by the status shown after the change")
                    .tags(List.of(Tag.create("status", s.wireName())))));
        }
    }

    /**
     * {@code presence:update}: sets the caller's status, and the custom status when given
     * ("" clears it), for every device; the connection counts as alive.
     *
     * @throws ServiceException INVALID_ARGUMENT for an unknown status or a custom status that
     *     breaks {@link CustomStatus}'s rules, or when the connection has closed;
     *     RESOURCE_EXHAUSTED when the user's {@value #UPDATE_EVENT} limit refuses
     */
    public UserStatus update(ConnectionRef caller, String status, Optional<String> customStatus) {
        Status wanted = Status.fromWire(status).orElseThrow(() ->
                ServiceException.invalidArgument("status must be online, away, busy or offline"));
        customStatus.ifPresent(CustomStatus::require);
        RateCheck check = limiter.check(caller.userId(), UPDATE_EVENT);
        Moment at = cutoff.now();
        return switch (store.update(caller.userId(), caller.connectionId(), wanted, customStatus, check, at)) {
            case PresenceStore.UpdateOutcome.RateLimited r -> throw check.refused(r.retryAfterMs());
            case PresenceStore.UpdateOutcome.ConnectionClosed c ->
                    throw ServiceException.invalidArgument("the connection has closed");
            case PresenceStore.UpdateOutcome.Done d -> {
                publish(d.settled(), at.now());
                yield new UserStatus(wanted, d.settled().custom());
            }
        };
    }

    /** A connection authenticated: the same as its first alive report. */
    @Override
    public void opened(ConnectionRef connection) {
        alive(List.of(connection));
    }

    /** Connections their gateway reports alive: each counts for another connection lifetime. */
    @Override
    public void alive(List<ConnectionRef> connections) {
        Map<String, List<String>> byUser = new LinkedHashMap<>();
        for (ConnectionRef c : connections) {
            if (Ids.isValid(c.userId()) && !c.connectionId().isEmpty()) {
                byUser.computeIfAbsent(c.userId(), u -> new ArrayList<>()).add(c.connectionId());
            }
        }
        if (byUser.isEmpty()) {
            return;
        }
        Moment at = cutoff.now();
        store.alive(byUser, at).forEach(s -> publish(s, at.now()));
    }

    /** A connection closed: its subscriptions end; the last one starts the grace period. */
    @Override
    public void closed(ConnectionRef connection) {
        if (!Ids.isValid(connection.userId()) || connection.connectionId().isEmpty()) {
            return;
        }
        Moment at = cutoff.now();
        Settled settled = store.closed(connection.userId(), connection.connectionId(), at);
        watchers.release(connection.userId(), connection.connectionId());
        publish(settled, at.now());
    }

    /**
     * Looks at the users whose reports stopped: grace periods that ended, connections whose
     * gateway no longer reports them. Run every second or so. Takes them {@value #SWEEP_BATCH}
     * at a time until none is due, so a crashed gateway's thousands of users, all due within
     * one alive period, are all settled in this run rather than one batch a second.
     *
     * @return how many users it looked at
     */
    public int sweep() {
        cutoff.swept();
        int looked = 0;
        List<PresenceStore.Due> due;
        int rounds = 0;
        do {
            Moment at = cutoff.now();
            due = store.due(at.now(), SWEEP_BATCH);
            if (!due.isEmpty()) {
                store.settle(due, at).forEach(s -> publish(s, at.now()));
            }
            looked += due.size();
        } while (due.size() == SWEEP_BATCH && ++rounds < MAX_SWEEP_ROUNDS);
        return looked;
    }


    /**
     * One user's presence, for internal callers (no visibility rule).
     *
     * @throws ServiceException INVALID_ARGUMENT for a malformed id
     */
    public Presence get(String userId) {
        return getMany(List.of(userId)).getFirst();
    }

    /**
     * Users' presence, in the order asked (each once), for internal callers (no visibility
     * rule) and subscription answers.
     *
     * @throws ServiceException INVALID_ARGUMENT for no ids, more than {@value #MAX_BATCH}, or a malformed id
     */
    public List<Presence> getMany(List<String> userIds) {
        List<String> ids = List.copyOf(new LinkedHashSet<>(userIds));
        if (ids.isEmpty() || ids.size() > MAX_BATCH) {
            throw ServiceException.invalidArgument("userIds must hold 1-" + MAX_BATCH + " users");
        }
        ids.forEach(PresenceService::requireUserId);
        return store.read(ids, clock.millis());
    }

    /**
     * Checks a user id.
     *
     * @throws ServiceException INVALID_ARGUMENT when malformed
     */
    public static void requireUserId(String userId) {
        if (!Ids.isValid(userId)) {
            throw ServiceException.invalidArgument("user ids must be 1-" + Ids.MAX_LENGTH
                    + " characters of A-Z a-z 0-9 _ . : @ -");
        }
    }

    /**
     * After a script: expired connections' subscriptions end; a change goes to the allowed
     * subscribers. A failure here never fails the report or update that caused it: the
     * stored state is right, only this notice is lost (and logged).
     */
    private void publish(Settled settled, long now) {
        try {
            settled.expired().forEach(id -> watchers.release(settled.userId(), id));
            if (settled.changed()) {
                changes.get(settled.shown()).increment();
                List<String> to = watchers.allowedToSee(settled.userId());
                if (!to.isEmpty()) {
                    events.changed(settled.presence(now), to);
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "presence change of a user not delivered (" + e.getClass().getSimpleName() + ")");
        }
    }
}
