package io.sup.realtime.messaging.typing;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;

import io.sup.realtime.messaging.Actor;
import io.sup.realtime.messaging.ClientEvent;
import io.sup.realtime.messaging.chats.ChatService;
import io.sup.realtime.platform.lifecycle.ConnectionLifecycle;
import io.sup.realtime.platform.lifecycle.ConnectionRef;

/**
 * Typing indicators ({@code message:typing}, {@code message:stop-typing}). A typist stays
 * typing for {@code ttl} after its last {@code message:typing}; clients refresh while the
 * user types. The start is announced once (refreshes only extend it); the stop is announced
 * once, whichever comes first: {@code message:stop-typing}, the connection closing, or the
 * expiry found by {@link #expire()}. Nothing is stored beyond that.
 */
public final class TypingService implements ConnectionLifecycle {
    private static final Logger LOG = System.getLogger(TypingService.class.getName());
    private static final int EXPIRY_BATCH = 1_000;

    private final ChatService chats;
    private final TypingStore store;
    private final TypingEvents events;
    private final Duration ttl;
    private final Clock clock;

    /**
     * @param chats  membership checks
     * @param store  typing state
     * @param events where starts and stops are announced
     * @param ttl    how long a typist stays typing without a refresh
     * @param clock  time source
     */
    public TypingService(ChatService chats, TypingStore store, TypingEvents events, Duration ttl, Clock clock) {
        this.chats = chats;
        this.store = store;
        this.events = events;
        this.ttl = ttl;
        this.clock = clock;
    }

    /**
     * The actor is typing in {@code chatId}. The {@code message:typing} rate limit is checked
     * with the membership, before anything is stored or announced: a refused start is not
     * fanned out.
     *
     * @throws io.sup.realtime.platform.grpc.ServiceException PERMISSION_DENIED for a non-member
     *     (also for an unknown chat); INVALID_ARGUMENT for a malformed chat id;
     *     RESOURCE_EXHAUSTED when the rate limit refuses
     */
    public void start(Actor actor, String chatId) {
        chats.requireMember(chatId, actor.userId(), ClientEvent.MESSAGE_TYPING);
        Typist typist = new Typist(chatId, actor.userId(), actor.connectionId());
        if (store.start(typist, clock.millis() + ttl.toMillis())) {
            events.started(typist);
        }
    }

    /**
     * The actor stopped typing in {@code chatId}; a stop for someone not typing does nothing.
     * Checked against the {@code message:stop-typing} limit (by default the shared ceiling).
     *
     * @throws io.sup.realtime.platform.grpc.ServiceException as {@link #start}
     */
    public void stop(Actor actor, String chatId) {
        chats.requireMember(chatId, actor.userId(), ClientEvent.MESSAGE_STOP_TYPING);
        Typist typist = new Typist(chatId, actor.userId(), actor.connectionId());
        if (store.stop(typist)) {
            events.stopped(typist);
        }
    }

    /**
     * A connection closed: whatever it was typing stops. (Opened and alive reports carry
     * nothing typing keeps: its entries expire on their own TTL whether or not the
     * connection lives, so a close is the only report it takes.)
     */
    @Override
    public void closed(ConnectionRef connection) {
        for (Typist typist : store.ofConnection(connection.connectionId())) {
            if (store.stop(typist)) {
                events.stopped(typist);
            }
        }
    }

    /**
     * Stops every typist whose time ran out. Safe to run on several instances at once: only
     * the one whose removal succeeds announces the stop.
     *
     * @return how many stops were announced
     */
    public int expire() {
        int stopped = 0;
        for (Typist typist : store.expired(clock.millis(), EXPIRY_BATCH)) {
            if (store.stop(typist)) {
                events.stopped(typist);
                stopped++;
            }
        }
        if (stopped > 0) {
            int count = stopped;
            LOG.log(Level.DEBUG, () -> "typing expired for " + count + " typist(s)");
        }
        return stopped;
    }
}
