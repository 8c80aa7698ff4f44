package io.sup.realtime.calls.signalling;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import io.sup.realtime.calls.CallKeys;
import io.sup.realtime.platform.lifecycle.ConnectionRef;
import io.sup.realtime.platform.limits.RateCheck;
import io.sup.realtime.platform.limits.RateLimiter;
import io.sup.realtime.platform.redis.LuaScript;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.params.ZAddParams;

/**
 * Calls in Redis (keyspace {@code call:}, see {@link CallKeys} for each key and its bound):
 * each call's state machine in one hash, changed only by the scripts under {@code lua/}
 * (compare-and-set: {@code answer.lua} lets exactly one device win), the users' "current
 * call" records that make busy and glare ({@code claim.lua}), the schedule of ring timeouts
 * ({@link CallKeys#due}) and the connections in calls with their expiry ({@link CallKeys#live}).
 */
public final class CallStore {
    private static final String PRELUDE = "/lua/call.lua";
    private static final LuaScript BEGIN = LuaScript.fromResources(CallStore.class, RateLimiter.PRELUDE,
            "/lua/begin_call.lua");
    private static final LuaScript CLAIM = LuaScript.fromResource(CallStore.class, "/lua/claim.lua");
    private static final LuaScript RELEASE = LuaScript.fromResource(CallStore.class, "/lua/release.lua");
    private static final LuaScript ANSWER = LuaScript.fromResources(CallStore.class, RateLimiter.PRELUDE, PRELUDE,
            "/lua/answer.lua");
    private static final LuaScript END = LuaScript.fromResources(CallStore.class, RateLimiter.PRELUDE, PRELUDE,
            "/lua/end_call.lua");
    private static final LuaScript EXPIRE = LuaScript.fromResources(CallStore.class, PRELUDE, "/lua/expire_call.lua");
    private static final LuaScript FOLLOW_UP = LuaScript.fromResource(CallStore.class, "/lua/follow_up.lua");
    /** How long one runner has for a follow-up before another may take it over. */
    static final long FOLLOW_UP_LEASE_MS = 10_000;
    /** The state hash's fields, in the order of {@code call.lua}'s read(). */
    private static final String[] FIELDS = {"caller", "callerConn", "callee", "type", "state", "answeredBy", "reason",
            "createdAt", "answeredAt", "endedAt", "ringUntil"};
    /** A user's current-call record outlives the phase it covers by this, so the sweep ends the call first. */
    private static final long CURRENT_MARGIN_MS = 60_000;

    private final UnifiedJedis redis;
    private final Duration ringTimeout;
    private final Duration maxDuration;
    private final Duration endedRetention;
    private final Duration connectionTtl;

    /**
     * @param redis          the call service's Redis
     * @param ringTimeout    how long a call rings unless answered
     * @param maxDuration    the longest an answered call may last
     * @param endedRetention how long an ended call is kept
     * @param connectionTtl  how long a connection in a call counts after its gateway's last report
     */
    public CallStore(UnifiedJedis redis, Duration ringTimeout, Duration maxDuration, Duration endedRetention,
                     Duration connectionTtl) {
        this.redis = redis;
        this.ringTimeout = ringTimeout;
        this.maxDuration = maxDuration;
        this.endedRetention = endedRetention;
        this.connectionTtl = connectionTtl;
    }

    /** What the caller's side of an initiation found. */
    sealed interface Begin {
        /** A new call may be made. */
        record Go() implements Begin {
        }

        /** The tempId made this call already. */
        record Repeat(String callId, boolean glare) implements Begin {
        }

        /** The rate limit refused it. */
        record Limited(long retryAfterMs) implements Begin {
        }
    }

    /** An initiation's first step: a repeat by tempId, else the rate check. */
    Begin begin(String callerId, Optional<String> tempId, RateCheck check) {
        List<String> keys = tempId.map(t -> check.keys(List.of(CallKeys.tempId(callerId, t))))
                .orElseGet(() -> check.keys(List.of()));
        List<?> reply = (List<?>) BEGIN.run(redis, keys, check.args(List.of()));
        return switch ((String) reply.get(0)) {
            case "repeat" -> repeat((String) reply.get(1));
            case "limited" -> new Begin.Limited((Long) reply.get(1));
            default -> new Begin.Go();
        };
    }

    /**
     * Stores a new ringing call and schedules its ring timeout; with a tempId, reserves it for
     * this call first (SET NX).
     *
     * @return empty when stored; else what the tempId names (another initiation with the same
     *     tempId won), and nothing was stored
     */
    Optional<Begin.Repeat> create(Call call, SessionDescription offer, Optional<String> tempId) {
        if (tempId.isPresent() && redis.set(CallKeys.tempId(call.callerId(), tempId.get()), call.id(),
                SetParams.setParams().nx().px(ringTimeout.toMillis())) == null) {
            String existing = redis.get(CallKeys.tempId(call.callerId(), tempId.get()));
            return Optional.of(repeat(existing == null ? call.id() : existing));
        }
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("caller", call.callerId());
        fields.put("callerConn", call.callerConnection());
        fields.put("callee", call.calleeId());
        fields.put("type", call.type().wireName());
        fields.put("state", CallState.RINGING.wireName());
        fields.put("createdAt", Long.toString(call.createdAt()));
        fields.put("ringUntil", Long.toString(call.ringUntil()));
        // Kept (not read with the rest) to ring a device of the callee that connects while it rings.
        fields.put("offer", offer.sdp());
        try (AbstractPipeline pipeline = redis.pipelined()) {
            pipeline.hset(CallKeys.state(call.id()), fields);
            pipeline.pexpire(CallKeys.state(call.id()), ringTimeout.toMillis() + endedRetention.toMillis());
            pipeline.zadd(CallKeys.due(), call.ringUntil(), call.id());
            pipeline.sync();
        }
        return Optional.empty();
    }

    /** Points a tempId at the call its initiation converged on in a glare. */
    void rememberGlare(String callerId, String tempId, String survivorId) {
        redis.set(CallKeys.tempId(callerId, tempId), survivorId + " glare",
                SetParams.setParams().xx().px(ringTimeout.toMillis()));
    }

    /**
     * Forgets a call that never rang because its caller is in another call, and the tempId
     * reserved for it, so the client may retry with the same tempId once it is free.
     */
    void discard(Call call, Optional<String> tempId) {
        forget(call.id(), tempId.map(t -> CallKeys.tempId(call.callerId(), t)));
    }

    /** Forgets a call that never rang (its initiation lost a glare: its tempId now names the survivor). */
    void discard(String callId) {
        forget(callId, Optional.empty());
    }

    private void forget(String callId, Optional<String> tempIdKey) {
        try (AbstractPipeline pipeline = redis.pipelined()) {
            tempIdKey.ifPresent(pipeline::del);
            pipeline.del(CallKeys.state(callId));
            pipeline.zrem(CallKeys.due(), callId);
            pipeline.sync();
        }
    }

    /** What claiming a user found. */
    sealed interface Claim {
        /** The user is now in the call. */
        record Claimed() implements Claim {
        }

        /** The other direction's ringing call between the two users holds the user. */
        record Glare(String callId) implements Claim {
        }

        /** Another call holds the user. */
        record Busy(String callId) implements Claim {
        }
    }

    /** Claims {@code userId} for {@code callId} as its {@code role} ("caller" or "callee"), {@code peer} the other party. */
    Claim claim(String userId, String callId, String peer, String role) {
        List<?> reply = (List<?>) CLAIM.run(redis, List.of(CallKeys.current(userId)),
                List.of(callId, peer, role, Long.toString(ringTimeout.toMillis() + CURRENT_MARGIN_MS)));
        String other = (String) reply.get(1);
        return switch ((String) reply.get(0)) {
            case "glare" -> new Claim.Glare(other);
            case "busy" -> new Claim.Busy(other);
            default -> new Claim.Claimed();
        };
    }

    /** Releases {@code userId}'s current-call record if it still names {@code callId}. */
    void release(String userId, String callId) {
        RELEASE.run(redis, List.of(CallKeys.current(userId)), List.of(callId, "release", "0"));
    }

    /** {@code connection} is in the call: it counts for one connection lifetime, extended by alive reports. */
    void joined(String callId, ConnectionRef connection, long now) {
        try (AbstractPipeline pipeline = redis.pipelined()) {
            pipeline.zadd(CallKeys.live(), now + connectionTtl.toMillis(), connection.connectionId());
            pipeline.hset(CallKeys.participants(), connection.connectionId(), callId);
            pipeline.sync();
        }
    }

    /**
     * The ringing call {@code userId} is being rung for, with its offer, if any: what a
     * device of the callee that connects while it rings is sent. Two round trips, the second
     * only for a user being rung.
     */
    Optional<Ringing> ringingFor(String userId) {
        List<String> current = redis.hmget(CallKeys.current(userId), "call", "role", "answered");
        if (current.get(0) == null || !"callee".equals(current.get(1)) || current.get(2) != null) {
            return Optional.empty();
        }
        String callId = current.get(0);
        List<String> fields = new ArrayList<>(List.of(FIELDS));
        fields.add("offer");
        List<String> reply = redis.hmget(CallKeys.state(callId), fields.toArray(String[]::new));
        return decode(callId, reply, 0).filter(c -> c.state() == CallState.RINGING && c.calleeId().equals(userId))
                .map(c -> new Ringing(c, new SessionDescription("offer", Optional.ofNullable(reply.get(FIELDS.length)).orElse(""))));
    }

    /** A ringing call and its offer. */
    record Ringing(Call call, SessionDescription offer) {
    }

    /** The call, if stored. */
    public Optional<Call> read(String callId) {
        return decode(callId, redis.hmget(CallKeys.state(callId), FIELDS), 0);
    }

    /** The call, if stored, read in the round trip that runs {@code check}. */
    Optional<Call> read(String callId, RateCheck check) {
        return decode(callId, check.alongside(redis, pipeline -> pipeline.hmget(CallKeys.state(callId), FIELDS)), 0);
    }

    /**
     * Whether the caller is to do what follows {@code phase} (events, clean-up, history) now:
     * not done yet and nobody else on it (a lease of {@value #FOLLOW_UP_LEASE_MS} ms, after
     * which a runner that failed is taken over). See {@code lua/follow_up.lua}.
     */
    boolean takeFollowUp(String callId, CallState phase, long now) {
        return (Long) FOLLOW_UP.run(redis, List.of(CallKeys.state(callId)),
                List.of("take", phase.wireName(), Long.toString(now), Long.toString(FOLLOW_UP_LEASE_MS))) == 1;
    }

    /** Records that what follows {@code phase} was done. */
    void followedUp(String callId, CallState phase) {
        FOLLOW_UP.run(redis, List.of(CallKeys.state(callId)), List.of("done", phase.wireName(), "0", "0"));
    }

    /** What an answer did. */
    sealed interface Answer {
        /** This connection won; the call is active. */
        record Won(Call call) implements Answer {
        }

        /** This connection had won already (a repeat): nothing changed. */
        record Again(Call call) implements Answer {
        }

        /** No such call for this user. */
        record NotFound() implements Answer {
        }

        /** Another device of the callee won. */
        record AnsweredElsewhere() implements Answer {
        }

        /** The call is over. */
        record Ended(String reason) implements Answer {
        }

        /** The rate limit refused it. */
        record Limited(long retryAfterMs) implements Answer {
        }
    }

    /** {@code call:answer}: ringing -> active naming {@code connection}, if it is the callee's and the call rings. */
    Answer answer(String callId, ConnectionRef connection, long now, RateCheck check) {
        List<?> reply = (List<?>) ANSWER.run(redis, check.keys(redis, List.of(CallKeys.state(callId))),
                check.args(List.of(connection.userId(), connection.connectionId(), Long.toString(now),
                        Long.toString(maxDuration.toMillis() + endedRetention.toMillis()))));
        return switch ((String) reply.get(0)) {
            case "answered" -> new Answer.Won(decode(callId, reply, 1).orElseThrow());
            case "again" -> new Answer.Again(decode(callId, reply, 1).orElseThrow());
            case "answered_elsewhere" -> new Answer.AnsweredElsewhere();
            case "ended" -> new Answer.Ended((String) reply.get(1));
            case "limited" -> new Answer.Limited((Long) reply.get(1));
            default -> new Answer.NotFound();
        };
    }

    /**
     * After a won answer: both users' current-call records last as long as a call may, the
     * schedule looks at it again at the longest duration, the answering connection is in it.
     */
    void answered(Call call, long now) {
        String ttl = Long.toString(maxDuration.toMillis() + CURRENT_MARGIN_MS);
        List<Supplier<Object>> replies = new ArrayList<>(2);
        String answering = call.answeredBy().orElseThrow();
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (String user : List.of(call.callerId(), call.calleeId())) {
                replies.add(RELEASE.queue(redis, pipeline, List.of(CallKeys.current(user)), List.of(call.id(), "answered", ttl)));
            }
            pipeline.zadd(CallKeys.due(), call.answeredAt().orElse(now) + maxDuration.toMillis(), call.id());
            pipeline.zadd(CallKeys.live(), now + connectionTtl.toMillis(), answering);
            pipeline.hset(CallKeys.participants(), answering, call.id());
            pipeline.sync();
        }
        replies.forEach(Supplier::get); // a script Redis did not know yet runs here
    }

    /** What a party's reject or end did. */
    sealed interface Finish {
        /** The call ended now. */
        record Finished(Call call) implements Finish {
        }

        /** No such call for this user. */
        record NotFound() implements Finish {
        }

        /** It had ended already, for {@code reason}; nothing changed. */
        record AlreadyEnded(String reason) implements Finish {
        }

        /** A reject by the caller. */
        record NotCallee() implements Finish {
        }

        /** A reject after the answer. */
        record AlreadyAnswered() implements Finish {
        }

        /** The rate limit refused it. */
        record Limited(long retryAfterMs) implements Finish {
        }
    }

    /** {@code call:reject} ({@code reject} true) or {@code call:end} by {@code userId}. */
    Finish endByParty(String callId, String userId, boolean reject, long now, RateCheck check) {
        List<?> reply = (List<?>) END.run(redis, check.keys(redis, List.of(CallKeys.state(callId))),
                check.args(List.of(userId, reject ? "reject" : "end", Long.toString(now),
                        Long.toString(endedRetention.toMillis()))));
        return switch ((String) reply.get(0)) {
            case "finished" -> new Finish.Finished(decode(callId, reply, 1).orElseThrow());
            case "ended" -> new Finish.AlreadyEnded((String) reply.get(1));
            case "not_callee" -> new Finish.NotCallee();
            case "answered" -> new Finish.AlreadyAnswered();
            case "limited" -> new Finish.Limited((Long) reply.get(1));
            default -> new Finish.NotFound();
        };
    }

    /**
     * Ends a call for {@code cause}, a cause no party sent ({@link EndReason#TIMEOUT} also
     * covers the longest duration; {@link EndReason#CONNECTION_LOST} needs {@code connectionId}),
     * if it still applies.
     *
     * @return the ended call, or empty when nothing changed
     */
    Optional<Call> expire(String callId, EndReason cause, long now, String connectionId) {
        List<?> reply = (List<?>) EXPIRE.run(redis, List.of(CallKeys.state(callId)), List.of(cause.wireName(),
                Long.toString(now), Long.toString(endedRetention.toMillis()), connectionId,
                Long.toString(maxDuration.toMillis())));
        return "finished".equals(reply.get(0)) ? decode(callId, reply, 1) : Optional.empty();
    }

    /**
     * After a call ended: both users are free again (the larger id first, the reverse of the
     * claims, so a user never looks free while the other is still held), it leaves the
     * schedule, its connections leave the live set.
     */
    void cleanup(Call ended) {
        List<String> users = new ArrayList<>(List.of(ended.callerId(), ended.calleeId()));
        users.sort(null);
        List<String> connections = new ArrayList<>(List.of(ended.callerConnection()));
        ended.answeredBy().ifPresent(connections::add);
        List<Supplier<Object>> replies = new ArrayList<>(2);
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (String user : users.reversed()) {
                replies.add(RELEASE.queue(redis, pipeline, List.of(CallKeys.current(user)), List.of(ended.id(), "release", "0")));
            }
            pipeline.zrem(CallKeys.due(), ended.id());
            pipeline.zrem(CallKeys.live(), connections.toArray(String[]::new));
            pipeline.hdel(CallKeys.participants(), connections.toArray(String[]::new));
            pipeline.sync();
        }
        replies.forEach(Supplier::get);
    }

    /** Alive reports: those of {@code connectionIds} in a call count for another lifetime (one command for the batch). */
    void alive(List<String> connectionIds, long now) {
        if (connectionIds.isEmpty()) {
            return;
        }
        Map<String, Double> expiries = new LinkedHashMap<>();
        double expiry = now + connectionTtl.toMillis();
        connectionIds.forEach(id -> expiries.put(id, expiry));
        // XX: only connections already in a call; GT: a late report never shortens a lifetime.
        redis.zadd(CallKeys.live(), expiries, ZAddParams.zAddParams().xx().gt());
    }

    /** The call {@code connectionId} is in, if any. */
    Optional<String> callOf(String connectionId) {
        return Optional.ofNullable(redis.hget(CallKeys.participants(), connectionId));
    }

    /** Up to {@code limit} calls whose scheduled look is at or before {@code now}. */
    List<String> dueCalls(long now, int limit) {
        return redis.zrangeByScore(CallKeys.due(), Double.NEGATIVE_INFINITY, now, 0, limit);
    }

    /** Looks at {@code callId} again at {@code at} (ms). */
    void schedule(String callId, long at) {
        redis.zadd(CallKeys.due(), at, callId);
    }

    /** Takes {@code callId} off the schedule (it has ended or is gone). */
    void unschedule(String callId) {
        redis.zrem(CallKeys.due(), callId);
    }

    /**
     * A connection in a call whose lifetime ended.
     *
     * @param connectionId the connection
     * @param callId       its call, empty when the record was left behind
     */
    record Expired(String connectionId, Optional<String> callId) {
    }

    /** Up to {@code limit} connections in calls whose expiry is at or before {@code cutoff}. */
    List<Expired> expiredConnections(long cutoff, int limit) {
        List<String> ids = redis.zrangeByScore(CallKeys.live(), Double.NEGATIVE_INFINITY, cutoff, 0, limit);
        if (ids.isEmpty()) {
            return List.of();
        }
        List<String> calls = redis.hmget(CallKeys.participants(), ids.toArray(String[]::new));
        List<Expired> expired = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            expired.add(new Expired(ids.get(i), Optional.ofNullable(calls.get(i))));
        }
        return expired;
    }

    /** Forgets connections no call holds any more. */
    void forgetConnections(List<String> connectionIds) {
        if (connectionIds.isEmpty()) {
            return;
        }
        try (AbstractPipeline pipeline = redis.pipelined()) {
            pipeline.zrem(CallKeys.live(), connectionIds.toArray(String[]::new));
            pipeline.hdel(CallKeys.participants(), connectionIds.toArray(String[]::new));
            pipeline.sync();
        }
    }

    private static Begin.Repeat repeat(String stored) {
        int space = stored.indexOf(' ');
        return space < 0 ? new Begin.Repeat(stored, false) : new Begin.Repeat(stored.substring(0, space), true);
    }

    /** The call from {@code call.lua}'s read() fields at {@code reply[from...]}; empty when it has no caller (absent). */
    private static Optional<Call> decode(String callId, List<?> reply, int from) {
        String caller = text(reply, from);
        if (caller.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Call(callId, caller, text(reply, from + 1), text(reply, from + 2),
                CallType.fromWire(text(reply, from + 3)).orElse(CallType.AUDIO),
                CallState.fromWire(text(reply, from + 4)),
                nonEmpty(text(reply, from + 5)),
                EndReason.fromWire(text(reply, from + 6)),
                number(reply, from + 7).orElse(0L),
                number(reply, from + 8),
                number(reply, from + 9),
                number(reply, from + 10).orElse(0L)));
    }

    private static String text(List<?> reply, int i) {
        return i < reply.size() && reply.get(i) instanceof String s ? s : "";
    }

    private static Optional<String> nonEmpty(String s) {
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    private static Optional<Long> number(List<?> reply, int i) {
        String s = text(reply, i);
        return s.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(s));
    }
}
