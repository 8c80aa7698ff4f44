package io.sup.realtime.presence;

/**
 * Every Redis key of the presence service (keyspace {@code presence:}), built in one place.
 * A user's keys share the hash tag {@code {<user>}}, so the scripts that touch several of them
 * run on one Redis Cluster slot; the one exception is {@link #due}, the sweep's schedule.
 * What bounds each key is written here.
 */
public final class PresenceKeys {
    private PresenceKeys() {
    }

    /**
     * Sorted set: the user's connections, id ({@code <instance>.<n>}) -> expiry (ms). At most
     * the user's open connections (the gateway bounds them) plus those that expired since the
     * user's last script; the key expires the state retention after its last report (it must
     * outlast an outage of presence-service, after which its records are looked at again).
     */
    public static String connections(String userId) {
        return "presence:{" + userId + "}:conns";
    }

    /**
     * Sorted set: the user's recently closed connections, id -> tombstone expiry (ms), so that
     * a late report cannot revive one. Entries leave after one connection lifetime.
     */
    public static String closed(String userId) {
        return "presence:{" + userId + "}:closed";
    }

    /**
     * Hash: status (what the user set), custom (custom status), lastSeen (ms), shown (what
     * others were last told), graceUntil (ms). Expires after the state retention without any
     * report or update ({@code PRESENCE_STATE_RETENTION_MS}, default 30 days).
     */
    public static String state(String userId) {
        return "presence:{" + userId + "}:state";
    }

    /** Set: the users who may see this user's presence without sharing a chat. At most 5,000. */
    public static String contacts(String userId) {
        return "presence:{" + userId + "}:contacts";
    }

    /**
     * Set: who subscribed to this user's presence, members {@code "<connection id> <subscriber
     * user id>"}. An entry leaves when its connection unsubscribes, closes or expires, and is
     * dropped the next time this user's presence changes if its connection no longer lives;
     * the key (a safety net) expires the state retention after the last subscription.
     */
    public static String watchers(String userId) {
        return "presence:{" + userId + "}:watchers";
    }

    /**
     * Set: the users one connection of {@code userId} subscribed to. At most
     * {@code PRESENCE_MAX_SUBSCRIPTIONS}; deleted when the connection closes or expires, and
     * (a safety net) expires the state retention after its connection's last report.
     */
    public static String subscriptions(String userId, String connectionId) {
        return "presence:{" + userId + "}:subs:" + connectionId;
    }

    /**
     * Sorted set: user id -> the time (ms) the sweep must look at the user again (a grace
     * period ends, a connection's lifetime ends). One entry per user with something pending.
     * Not tagged: one key for the whole service, on one slot of a cluster.
     */
    public static String due() {
        return "presence:due";
    }

    /**
     * String: when the last sweep ran (ms), by any replica; one key. A sweep that finds it
     * old (or missing) knows presence was down and starts a recovery ({@link #recovery}).
     * Written by platform's {@link io.sup.realtime.platform.expiry.SweepLog}.
     */
    public static String swept() {
        return "presence:swept";
    }

    /**
     * Hash: from, until (ms): after an outage, only expiries before {@code from} count until
     * {@code until}. Expires at {@code until}. Written by platform's
     * {@link io.sup.realtime.platform.expiry.SweepLog}.
     */
    public static String recovery() {
        return "presence:recovery";
    }

    /** Sorted set: a user's rate log for one event, or {@code *} for the ceiling (see platform's RateLimiter). */
    public static String rateLimit(String userId, String bucket) {
        return "presence:rl:{" + userId + "}:" + bucket;
    }
}
