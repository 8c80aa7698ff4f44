package io.sup.realtime.platform.redis;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketTimeoutException;
import java.time.Duration;

import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * A Jedis connection whose commands are timed by a {@link ReplyTimeoutWatch} instead of a
 * socket read timeout ({@code SO_TIMEOUT}).
 *
 * <p>Why: a virtual thread that reads a socket with {@code SO_TIMEOUT} set parks with a timer,
 * and JDK 25 schedules and cancels one on its {@code ForkJoinPool}'s delay scheduler for every
 * read, waking that scheduler's thread each time: 10-12 % of messaging-service's CPU per
 * message in async-profiler (bench/summary.md, issue 15). Here the socket has no timeout once
 * connected. Writing a command ({@code sendCommand}, which writes to the socket whenever
 * Jedis's 8 KB buffer fills), each flush and each reply's read record when they are due; the
 * watch, one thread for all connections, closes the socket of one that is late. A round trip
 * costs a few {@link System#nanoTime()} calls and volatile writes and compare-and-sets.
 *
 * <p>What a caller sees is what a socket timeout gave: a {@link JedisConnectionException}
 * caused by a {@link SocketTimeoutException}, and the connection is broken (its pool discards
 * it, so a late reply is never read by the next borrower). Three differences:
 * <ul>
 *   <li>the whole reply is timed, not each socket read: a reply that takes longer than the
 *       timeout to stream in fails (the replies here are small);</li>
 *   <li>writes are timed too: a Redis that stops reading cannot hold a caller either;</li>
 *   <li>a step that completed although the watch found it late (the thread was not scheduled
 *       in time, or a GC paused it) keeps its result, and the connection is broken so that its
 *       next step fails as timed out: a pause fails no command whose reply was already there.</li>
 * </ul>
 * Blocking commands (Jedis's {@code setTimeoutInfinite}, e.g. {@code BLPOP}) wait as long as
 * they asked, untimed.
 */
final class WatchedConnection extends Connection {
    /** {@link #due}: no step is waiting. */
    private static final long IDLE = 0;
    /** {@link #due}: the watch found this connection late and closed it. */
    private static final long EXPIRED = Long.MIN_VALUE;
    private static final VarHandle DUE;

    static {
        try {
            DUE = MethodHandles.lookup().findVarHandle(WatchedConnection.class, "due", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ReplyTimeoutWatch watch;
    private final long timeoutNanos;
    /**
     * {@link System#nanoTime()} by which the current step (write, flush, read) must end;
     * {@link #IDLE}, or {@link #EXPIRED} for good. Only the connection's user sets a due time
     * or IDLE; the watch only turns a due time into EXPIRED.
     */
    @SuppressWarnings("unused") // through DUE
    private volatile long due = IDLE;
    /** Inside a blocking command: untimed until {@link #rollbackTimeout}. */
    private volatile boolean blocking;

    private WatchedConnection(Builder builder) {
        super(builder);
        this.watch = builder.watch;
        this.timeoutNanos = builder.watch.timeout().toNanos();
    }

    /**
     * Connects (a socket fresh from the factory comes with the configured {@code SO_TIMEOUT},
     * which {@code super.connect} copies), then drops the socket's timeout and puts the
     * connection under the watch.
     */
    @Override
    public void connect() {
        super.connect();
        if (getSoTimeout() != 0) { // a new socket: a connection that had one keeps soTimeout 0
            setSoTimeout(0);
            watch.add(this);
        }
    }

    @Override
    public void disconnect() {
        watch.remove(this);
        super.disconnect();
    }

    @Override
    public void setTimeoutInfinite() {
        blocking = true;
        super.setTimeoutInfinite();
    }

    @Override
    public void rollbackTimeout() {
        super.rollbackTimeout();
        blocking = false;
    }

    @Override
    public void sendCommand(CommandArguments args) {
        long due = start("written");
        try {
            super.sendCommand(args);
        } catch (Throwable e) {
            throw end(due, e, "written");
        }
        finish(due);
    }

    @Override
    protected void flush() {
        long due = start("written");
        try {
            super.flush();
        } catch (Throwable e) {
            throw end(due, e, "written");
        }
        finish(due);
    }

    @Override
    protected Object readProtocolWithCheckingBroken() {
        if (blocking) {
            return super.readProtocolWithCheckingBroken();
        }
        long due = start("answered");
        Object reply;
        try {
            reply = super.readProtocolWithCheckingBroken();
        } catch (Throwable e) {
            throw end(due, e, "answered");
        }
        finish(due);
        return reply;
    }

    /**
     * Called by the watch: when the step in progress is past its due time, marks the
     * connection expired and closes its socket, so the blocked read or write fails at once.
     *
     * @return whether it expired
     */
    boolean expireIfLate(long now) {
        long due = this.due;
        if (due == IDLE || due == EXPIRED || now - due <= 0 || !DUE.compareAndSet(this, due, EXPIRED)) {
            return false;
        }
        // Not on the watch's thread: closing a TLS socket writes its close_notify, which can
        // block on a full send buffer, and the watch must go on timing every other connection.
        Thread.startVirtualThread(() -> {
            try {
                forceDisconnect();
            } catch (IOException e) {
                // The socket is unusable either way; its user fails as timed out.
            }
        });
        return true;
    }

    /**
     * Starts timing a step; returns its due time, or {@link #IDLE} inside a step already timed.
     *
     * @throws JedisConnectionException timed out, when the watch expired this connection before
     */
    private long start(String what) {
        long current = this.due;
        if (current == EXPIRED) {
            throw timedOut(null, what);
        }
        if (current != IDLE) {
            return IDLE; // nested (a write inside a timed write): the outer step's due time holds
        }
        long due = System.nanoTime() + timeoutNanos;
        if (due == IDLE || due == EXPIRED) {
            due++;
        }
        this.due = due;
        return due;
    }

    /**
     * Ends a step that completed: back to idle; when the watch found it late meanwhile, the
     * result stands and the connection is broken (its socket is being closed).
     */
    private void finish(long due) {
        if (due != IDLE && !DUE.compareAndSet(this, due, IDLE)) {
            setBroken();
        }
    }

    /** Ends a step that threw {@code e}: returns the exception to throw, the timeout when the watch caused it. */
    private RuntimeException end(long due, Throwable e, String what) {
        boolean expired = due != IDLE && !DUE.compareAndSet(this, due, IDLE);
        if (e instanceof Error error) {
            if (expired) {
                setBroken();
            }
            throw error;
        }
        if (expired) {
            return timedOut(e, what);
        }
        if (e instanceof RuntimeException r) {
            return r;
        }
        return new IllegalStateException(e); // Jedis's steps throw no checked exception
    }

    private JedisConnectionException timedOut(Throwable cause, String what) {
        setBroken();
        JedisConnectionException timeout = new JedisConnectionException(new SocketTimeoutException(
                "Redis command not " + what + " within " + Duration.ofNanos(timeoutNanos).toMillis()
                        + " ms (REDIS_TIMEOUT_MS)"));
        if (cause != null) {
            timeout.addSuppressed(cause);
        }
        return timeout;
    }

    /** Makes {@link WatchedConnection}s (for {@code ConnectionFactory.builder().connectionBuilder}). */
    static final class Builder extends Connection.Builder {
        private final ReplyTimeoutWatch watch;

        Builder(ReplyTimeoutWatch watch) {
            this.watch = watch;
        }

        @Override
        public Connection build() {
            WatchedConnection connection = new WatchedConnection(this);
            connection.initializeFromClientConfig();
            return connection;
        }
    }
}
