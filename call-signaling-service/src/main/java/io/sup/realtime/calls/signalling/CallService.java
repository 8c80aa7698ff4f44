package io.sup.realtime.calls.signalling;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.sup.realtime.platform.lifecycle.ConnectionLifecycle;
import io.sup.realtime.platform.lifecycle.ConnectionRef;
import io.sup.realtime.calls.history.CallHistory;
import io.sup.realtime.calls.ice.IceServer;
import io.sup.realtime.calls.ice.IceServers;
import io.sup.realtime.platform.expiry.ExpiryCutoff;
import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.ids.Ids;
import io.sup.realtime.platform.limits.RateCheck;
import io.sup.realtime.platform.limits.RateLimiter;

/**
 * The call rules: a one-to-one call rings on every device of the callee until one answers
 * (exactly one wins), the callee declines, the caller hangs up, or the ring timeout passes;
 * once answered it lasts until either party hangs up or a participant's connection is lost
 * (closed, or no longer reported by its gateway: a crash). A user is in one call at a time:
 * a second caller gets {@code busy}; two users calling each other at once (glare) converge on
 * one call. Calls that were not answered or declined are missed calls for the callee,
 * recorded for notification-service. Signalling only: the SDP and ICE candidates are relayed,
 * never parsed; media flows between the clients (through TURN when needed, {@link IceServers}).
 */
public final class CallService implements ConnectionLifecycle {
    private static final Logger LOG = System.getLogger(CallService.class.getName());
    /** The client event whose own rate limit {@link #initiate} checks (5 per minute by default). */
    public static final String INITIATE_EVENT = "call:initiate";
    /** A reject's reason as the client may give it; default {@value #DEFAULT_REJECT_REASON}. */
    private static final Pattern REJECT_REASON = Pattern.compile("[a-z0-9_-]{1,64}");
    private static final String DEFAULT_REJECT_REASON = "declined";
    /** Most calls (or connections) the sweep looks at in one round, and rounds in one run. */
    private static final int SWEEP_BATCH = 500;
    private static final int MAX_SWEEP_ROUNDS = 100;

    private final CallStore store;
    private final CallHistory history;
    private final CallEvents events;
    private final CallPermission permission;
    private final IceServers iceServers;
    private final RateLimiter limiter;
    private final Clock clock;
    private final ExpiryCutoff cutoff;
    private final Duration ringTimeout;
    private final Map<EndReason, Counter> ended = new EnumMap<>(EndReason.class);

    /**
     * @param store       calls in Redis
     * @param history     who called whom
     * @param events      where events go
     * @param permission  who may call whom
     * @param iceServers  the STUN/TURN servers given to clients
     * @param limiter     the per-user rate limits ({@value #INITIATE_EVENT}, the ceiling for the rest)
     * @param clock       the service's clock
     * @param cutoff      when connection records count as expired (the sweep keeps it up to date)
     * @param ringTimeout how long a call rings unless answered
     */
    public CallService(CallStore store, CallHistory history, CallEvents events, CallPermission permission,
                       IceServers iceServers, RateLimiter limiter, Clock clock, ExpiryCutoff cutoff,
                       Duration ringTimeout) {
        this.store = store;
        this.history = history;
        this.events = events;
        this.permission = permission;
        this.iceServers = iceServers;
        this.limiter = limiter;
        this.clock = clock;
        this.cutoff = cutoff;
        this.ringTimeout = ringTimeout;
        for (EndReason reason : EndReason.values()) {
            if (reason != EndReason.ANSWERED_ELSEWHERE) {
                ended.put(reason, Metrics.globalRegistry().getOrCreate(Counter.builder("calls.ended")
                        .description("Calls that ended, by reason")
                        .tags(List.of(Tag.create("reason", reason.wireName())))));
            }
        }
    }

    /**
     * What an initiation answered.
     *
     * @param callId     the call (for a glare, the other direction's)
     * @param state      ringing, or ended at once (see {@code reason}); a repeat by tempId may find it active
     * @param reason     why it ended at once: busy or unavailable
     * @param glare      the call named is the callee's call to the caller
     * @param iceServers the caller's STUN/TURN servers for it, empty once ended
     */
    public record Initiated(String callId, CallState state, Optional<EndReason> reason, boolean glare,
                            List<IceServer> iceServers) {
    }

    /**
     * {@code call:initiate}: rings every device of {@code calleeId}.
     *
     * @throws ServiceException INVALID_ARGUMENT for a malformed request or a call to oneself;
     *     PERMISSION_DENIED when the caller may not call the callee; FAILED_PRECONDITION when
     *     the caller is in another call, or the tempId's call is over; RESOURCE_EXHAUSTED when
     *     the {@value #INITIATE_EVENT} limit refuses; UNAVAILABLE when who may call whom cannot be learnt
     */
    public Initiated initiate(ConnectionRef caller, String calleeId, String callType, SessionDescription offer,
                              Optional<String> tempId) {
        requireId("calleeId", calleeId);
        if (calleeId.equals(caller.userId())) {
            throw ServiceException.invalidArgument("you cannot call yourself");
        }
        CallType type = CallType.fromWire(callType).orElseThrow(() ->
                ServiceException.invalidArgument("callType must be audio or video"));
        offer.require("offer", "offer");
        tempId.ifPresent(t -> requireId("tempId", t));

        RateCheck check = limiter.check(caller.userId(), INITIATE_EVENT);
        switch (store.begin(caller.userId(), tempId, check)) {
            case CallStore.Begin.Repeat r -> {
                return answerFor(caller.userId(), r.callId(), r.glare());
            }
            case CallStore.Begin.Limited l -> throw check.refused(l.retryAfterMs());
            case CallStore.Begin.Go go -> {
            }
        }
        if (!permission.mayCall(caller.userId(), calleeId)) {
            throw ServiceException.permissionDenied("you may not call this user");
        }
        long now = clock.millis();
        Call call = new Call(UUID.randomUUID().toString(), caller.userId(), caller.connectionId(), calleeId, type, CallState.RINGING,
                Optional.empty(), Optional.empty(), now, Optional.empty(), Optional.empty(), now + ringTimeout.toMillis());
        Optional<CallStore.Begin.Repeat> raced = store.create(call, offer, tempId);
        if (raced.isPresent()) {
            return answerFor(caller.userId(), raced.get().callId(), raced.get().glare());
        }
        Optional<Initiated> refused = claimBoth(call, tempId);
        if (refused.isPresent()) {
            return refused.get();
        }
        store.joined(call.id(), caller, now);
        if (events.incoming(call, offer, iceServers.forUser(calleeId)) == 0) {
            return endedAtOnce(call, EndReason.UNAVAILABLE);
        }
        return new Initiated(call.id(), CallState.RINGING, Optional.empty(), false, iceServers.forUser(caller.userId()));
    }

    /**
     * Claims both users for a new call, the smaller id first ({@code claim.lua} says why).
     *
     * @return empty when both are claimed; else the initiation's answer (glare or busy), the
     *     claims undone
     * @throws ServiceException FAILED_PRECONDITION when the caller is in another call
     */
    private Optional<Initiated> claimBoth(Call call, Optional<String> tempId) {
        List<String> order = claimOrder(call);
        for (int i = 0; i < 2; i++) {
            String user = order.get(i);
            CallStore.Claim claim = claim(call, user);
            if (claim instanceof CallStore.Claim.Claimed) {
                continue;
            }
            if (i == 1) {
                store.release(order.get(0), call.id());
            }
            if (claim instanceof CallStore.Claim.Glare g && i == 0) {
                store.discard(call.id());
                tempId.ifPresent(t -> store.rememberGlare(call.callerId(), t, g.callId()));
                return Optional.of(answerFor(call.callerId(), g.callId(), true));
            }
            if (user.equals(call.callerId())) {
                store.discard(call, tempId);
                throw ServiceException.failedPrecondition("you are in another call: end it first");
            }
            return Optional.of(endedAtOnce(call, EndReason.BUSY));
        }
        return Optional.empty();
    }

    /**
     * The order a call's two users are claimed in: the smaller id first, whoever calls whom,
     * so that two initiations between the same users (in either direction) meet at the same
     * first key, where Redis's order settles which one survives.
     */
    static List<String> claimOrder(Call call) {
        return call.callerId().compareTo(call.calleeId()) < 0 ? List.of(call.callerId(), call.calleeId())
                : List.of(call.calleeId(), call.callerId());
    }

    /**
     * Claims one user; a record naming a call that is over (left behind by a crash between
     * two steps) is released and the claim tried once more, so it never keeps a user busy.
     * A glare found second is a busy: see {@code claim.lua}.
     */
    private CallStore.Claim claim(Call call, String user) {
        String peer = call.peerOf(user);
        String role = user.equals(call.callerId()) ? "caller" : "callee";
        CallStore.Claim claim = store.claim(user, call.id(), peer, role);
        String holder = switch (claim) {
            case CallStore.Claim.Busy b -> b.callId();
            case CallStore.Claim.Glare g -> g.callId();
            case CallStore.Claim.Claimed c -> null;
        };
        if (holder != null && store.read(holder).map(c -> c.state() == CallState.ENDED).orElse(true)) {
            store.release(user, holder);
            claim = store.claim(user, call.id(), peer, role);
        }
        return claim;
    }

    /** The ack naming {@code callId} (a repeat by tempId, a glare) as the call is now, with {@code userId}'s servers. */
    private Initiated answerFor(String userId, String callId, boolean glare) {
        Call call = store.read(callId).orElseThrow(() ->
                ServiceException.failedPrecondition("that call is over: initiate with a new tempId"));
        List<IceServer> servers = call.state() == CallState.ENDED ? List.of() : iceServers.forUser(userId);
        return new Initiated(call.id(), call.state(), call.reason(), glare, servers);
    }

    /** A call that ends as it starts (busy, unavailable): recorded, and the caller told in the ack. */
    private Initiated endedAtOnce(Call call, EndReason reason) {
        Call over = store.expire(call.id(), reason, clock.millis(), "").orElse(call);
        finished(over, () -> { });
        return new Initiated(call.id(), CallState.ENDED, Optional.of(reason), false, List.of());
    }

    /**
     * {@code call:answer}: the first device of the callee to answer wins; the caller's
     * connection gets the answer, the callee's other devices stop ringing.
     *
     * @throws ServiceException NOT_FOUND for no such call of this user; FAILED_PRECONDITION
     *     when answered on another device or over; INVALID_ARGUMENT for a malformed answer
     */
    public String answer(ConnectionRef callee, String callId, SessionDescription answer) {
        requireId("callId", callId);
        answer.require("answer", "answer");
        RateCheck check = limiter.check(callee.userId(), "call:answer");
        long now = clock.millis();
        switch (store.answer(callId, callee, now, check)) {
            case CallStore.Answer.Won w -> announceAnswer(w.call(), answer, now);
            // The same device again: a retry after a failure between the answer and its
            // follow-up (e.g. Redis too slow for the first attempt) finishes it now, else nothing.
            case CallStore.Answer.Again a -> announceAnswer(a.call(), answer, now);
            case CallStore.Answer.NotFound n -> throw noSuchCall();
            case CallStore.Answer.AnsweredElsewhere e ->
                    throw ServiceException.failedPrecondition("the call was answered on another device");
            case CallStore.Answer.Ended e -> throw ServiceException.failedPrecondition("the call has ended (" + e.reason() + ")");
            case CallStore.Answer.Limited l -> throw check.refused(l.retryAfterMs());
        }
        return callId;
    }

    /**
     * What follows a won answer: the call counts as answered for both users, the answering
     * connection is in it, the caller gets the answer, the callee's other devices stop ringing.
     */
    private void announceAnswer(Call call, SessionDescription answer, long now) {
        if (!store.takeFollowUp(call.id(), CallState.ACTIVE, now)) {
            return;
        }
        store.answered(call, now);
        events.answered(call, answer);
        String answering = call.answeredBy().orElseThrow();
        events.ended(call, EndReason.ANSWERED_ELSEWHERE, List.of(call.calleeId()), Optional.of(answering));
        store.followedUp(call.id(), CallState.ACTIVE);
    }

    /**
     * {@code call:reject}: the callee declines a ringing call; the caller is told once, every
     * other device of the callee stops ringing. A call that has ended already is a success.
     *
     * @param reason the client's reason for the caller, empty for {@value #DEFAULT_REJECT_REASON}
     * @throws ServiceException NOT_FOUND for no such call of this user; FAILED_PRECONDITION for
     *     a reject by the caller or after the answer; INVALID_ARGUMENT for a malformed reason
     */
    public String reject(ConnectionRef callee, String callId, String reason) {
        requireId("callId", callId);
        if (!reason.isEmpty() && !REJECT_REASON.matcher(reason).matches()) {
            throw ServiceException.invalidArgument("reason must be 1-64 characters of a-z 0-9 _ -");
        }
        String told = reason.isEmpty() ? DEFAULT_REJECT_REASON : reason;
        RateCheck check = limiter.check(callee.userId(), "call:reject");
        switch (store.endByParty(callId, callee.userId(), true, clock.millis(), check)) {
            case CallStore.Finish.Finished f -> finished(f.call(), () -> {
                events.rejected(f.call(), told);
                events.ended(f.call(), EndReason.REJECTED, List.of(callee.userId()), Optional.of(callee.connectionId()));
            });
            case CallStore.Finish.AlreadyEnded e -> finishIfLeftUndone(callId, Optional.of(callee.connectionId()));
            case CallStore.Finish.NotFound n -> throw noSuchCall();
            case CallStore.Finish.NotCallee n ->
                    throw ServiceException.failedPrecondition("only the callee can reject a call: the caller ends it with call:end");
            case CallStore.Finish.AlreadyAnswered a ->
                    throw ServiceException.failedPrecondition("the call was answered: end it with call:end");
            case CallStore.Finish.Limited l -> throw check.refused(l.retryAfterMs());
        }
        return callId;
    }

    /**
     * {@code call:end} by either party, from any of its devices: every other device of both
     * is told. Idempotent: a call that has ended answers the reason it ended with.
     *
     * @return the reason the call ended with
     * @throws ServiceException NOT_FOUND for no such call of this user
     */
    public EndReason end(ConnectionRef party, String callId) {
        requireId("callId", callId);
        RateCheck check = limiter.check(party.userId(), "call:end");
        return switch (store.endByParty(callId, party.userId(), false, clock.millis(), check)) {
            case CallStore.Finish.Finished f -> {
                finished(f.call(), tellBoth(f.call(), Optional.of(party.connectionId())));
                yield f.call().reason().orElseThrow();
            }
            case CallStore.Finish.AlreadyEnded e -> {
                finishIfLeftUndone(callId, Optional.of(party.connectionId()));
                yield EndReason.fromWire(e.reason()).orElse(EndReason.HANGUP);
            }
            case CallStore.Finish.Limited l -> throw check.refused(l.retryAfterMs());
            case CallStore.Finish.NotFound n -> throw noSuchCall();
            case CallStore.Finish.NotCallee n -> throw noSuchCall(); // not asked by end
            case CallStore.Finish.AlreadyAnswered a -> throw noSuchCall(); // not asked by end
        };
    }

    /**
     * {@code call:ice-candidate}: relays a candidate (or end-of-candidates) between the two
     * connections in the call; before the answer, from the caller to every ringing device.
     *
     * @throws ServiceException NOT_FOUND for no such call of this user; FAILED_PRECONDITION when
     *     it has ended or this connection is not the one in the call; INVALID_ARGUMENT for a
     *     malformed candidate
     */
    public String relayCandidate(ConnectionRef from, String callId, IceCandidate candidate) {
        requireId("callId", callId);
        candidate.require();
        Call call = store.read(callId, limiter.check(from.userId(), "call:ice-candidate"))
                .filter(c -> c.hasParty(from.userId()))
                .orElseThrow(CallService::noSuchCall);
        if (call.state() == CallState.ENDED) {
            throw ServiceException.failedPrecondition("the call has ended");
        }
        String connection = from.connectionId();
        if (connection.equals(call.callerConnection())) {
            if (call.state() == CallState.RINGING) {
                events.candidateToUser(call, call.calleeId(), from.userId(), candidate);
            } else {
                events.candidateToConnection(call, call.answeredBy().orElseThrow(), from.userId(), candidate);
            }
        } else if (call.answeredBy().filter(connection::equals).isPresent()) {
            events.candidateToConnection(call, call.callerConnection(), from.userId(), candidate);
        } else if (call.state() == CallState.RINGING && from.userId().equals(call.calleeId())) {
            throw ServiceException.failedPrecondition("answer the call before sending candidates");
        } else {
            throw ServiceException.failedPrecondition("this connection is not the one in the call");
        }
        return callId;
    }

    /**
     * A connection authenticated: when its user is being rung (a device that connects while
     * the call rings, e.g. woken by a push), it is rung too.
     */
    @Override
    public void opened(ConnectionRef connection) {
        if (!Ids.isValid(connection.userId())) {
            return;
        }
        store.ringingFor(connection.userId()).ifPresent(r ->
                events.incomingTo(connection.connectionId(), r.call(), r.offer(), iceServers.forUser(connection.userId())));
    }

    /** Alive reports: the connections among these that are in a call count for another lifetime. */
    @Override
    public void alive(List<ConnectionRef> connections) {
        store.alive(connections.stream().map(ConnectionRef::connectionId).filter(id -> !id.isEmpty()).toList(),
                clock.millis());
    }

    /** A connection closed: a call it is in ends ({@link EndReason#CONNECTION_LOST}). */
    @Override
    public void closed(ConnectionRef connection) {
        if (connection.connectionId().isEmpty()) {
            return;
        }
        store.callOf(connection.connectionId()).ifPresent(callId -> lose(callId, connection.connectionId()));
    }

    /**
     * Ends the calls whose time ran out (ring timeouts, the longest duration) and those with a
     * participant whose gateway stopped reporting it. Run every second or so.
     *
     * @return how many calls and connections it looked at
     */
    public int sweep() {
        cutoff.swept();
        int looked = 0;
        int rounds = 0;
        List<String> due;
        do {
            long now = clock.millis();
            due = store.dueCalls(now, SWEEP_BATCH);
            due.forEach(callId -> timeOut(callId, now));
            looked += due.size();
        } while (due.size() == SWEEP_BATCH && ++rounds < MAX_SWEEP_ROUNDS);
        rounds = 0;
        List<CallStore.Expired> expired;
        do {
            expired = store.expiredConnections(cutoff.cutoff(), SWEEP_BATCH);
            expired.forEach(e -> e.callId().ifPresent(callId -> lose(callId, e.connectionId())));
            store.forgetConnections(expired.stream().map(CallStore.Expired::connectionId).toList());
            looked += expired.size();
        } while (expired.size() == SWEEP_BATCH && ++rounds < MAX_SWEEP_ROUNDS);
        return looked;
    }

    private void timeOut(String callId, long now) {
        Optional<Call> over = store.expire(callId, EndReason.TIMEOUT, now, "");
        if (over.isPresent()) {
            finished(over.get(), tellBoth(over.get(), Optional.empty()));
            return;
        }
        // Not due after all (answered meanwhile), or ended without its follow-up, or gone.
        Optional<Call> call = store.read(callId);
        if (call.isEmpty()) {
            store.unschedule(callId);
        } else if (call.get().state() == CallState.ENDED) {
            finishIfLeftUndone(callId, Optional.empty());
            store.unschedule(callId);
        } else if (call.get().state() == CallState.RINGING) {
            store.schedule(callId, call.get().ringUntil());
        }
    }

    private void lose(String callId, String connectionId) {
        Optional<Call> over = store.expire(callId, EndReason.CONNECTION_LOST, clock.millis(), connectionId);
        if (over.isPresent()) {
            finished(over.get(), tellBoth(over.get(), Optional.of(connectionId)));
        } else {
            finishIfLeftUndone(callId, Optional.of(connectionId));
        }
    }

    /**
     * A call found ended whose follow-up was never done (the service failed between the two):
     * done now, telling both parties' devices but {@code except}.
     */
    private void finishIfLeftUndone(String callId, Optional<String> except) {
        store.read(callId).filter(c -> c.state() == CallState.ENDED).ifPresent(c -> finished(c, tellBoth(c, except)));
    }

    /** {@code call:end} with the call's reason to every device of both parties but {@code except}. */
    private Runnable tellBoth(Call over, Optional<String> except) {
        return () -> events.ended(over, over.reason().orElse(EndReason.HANGUP), List.of(over.callerId(), over.calleeId()),
                except);
    }

    /**
     * After a call ended: both users are free, the call is recorded in both histories (and
     * as missed), the devices are told ({@code tell}), once ({@link CallStore#takeFollowUp}).
     * A failure here never undoes the end: the call has ended in Redis; what was left undone
     * is finished by a retry of the event or by the sweep ({@link #finishIfLeftUndone}), or
     * expires (logged).
     */
    private void finished(Call over, Runnable tell) {
        EndReason reason = over.reason().orElse(EndReason.HANGUP);
        try {
            if (!store.takeFollowUp(over.id(), CallState.ENDED, clock.millis())) {
                return; // done already, or another runner is on it
            }
            Counter counter = ended.get(reason);
            if (counter != null) {
                counter.increment();
            }
            store.cleanup(over);
            history.record(over);
            tell.run();
            store.followedUp(over.id(), CallState.ENDED);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "after call end (" + reason.wireName() + "): " + e.getClass().getSimpleName());
        }
    }

    private static void requireId(String field, String id) {
        if (!Ids.isValid(id)) {
            throw ServiceException.invalidArgument(field + " must be 1-" + Ids.MAX_LENGTH
                    + " characters of A-Z a-z 0-9 _ . : @ -");
        }
    }

    private static ServiceException noSuchCall() {
        return ServiceException.notFound("no such call");
    }
}
