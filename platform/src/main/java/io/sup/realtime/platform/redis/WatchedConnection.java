package io.sup.realtime.platform.redis;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketTimeoutException;
import java.time.Duration;

import redis.clients.jedis.Connection;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * A Jedis connection whose replies are timed by a {@link ReplyTimeoutWatch} instead of a socket
 * read timeout ({@code SO_TIMEOUT}).
 *
 * <p>Why: a virtual thread that reads a socket with {@code SO_TIMEOUT} set parks with a timer,
 * and JDK 25 schedules and cancels one on its {@code ForkJoinPool}'s delay scheduler for every
 * read, waking that scheduler's thread each time: 10-12 % of messaging-service's CPU per
 * message in async-profiler (bench/summary.md, issue 15). Here the socket has no timeout once
 * connected; each read and each flush records when it is due, and the watch, one thread for
 * all connections, closes the socket of one that is late, as a socket timeout would have failed
 * it. The cost per round trip is two {@link System#nanoTime()} calls and two volatile writes.
 *
 * <p>What a caller sees is what a socket timeout gave: a {@link JedisConnectionException}
 * caused by a {@link SocketTimeoutException}, and the connection is broken (its pool discards
 * it, so a late reply is never read by the next borrower). A reply that arrives while the
 * watch is closing the socket fails the same way. Unlike {@code SO_TIMEOUT}, flushes are timed
 * too: a Redis that stops reading cannot hold a caller either. Blocking commands (Jedis's
 * {@code setTimeoutInfinite}, e.g. {@code BLPOP}) wait as long as they asked, untimed.
 */
final class WatchedConnection extends Connection {
    /** {@link #due}: no read or flush is waiting. */
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
    /** {@link System#nanoTime()} by which the current read or flush must end; {@link #IDLE} or {@link #EXPIRED}. */
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
     * Connects (the socket factory's socket comes with the configured {@code SO_TIMEOUT}),
     * then drops the socket's timeout and puts the connection under the watch.
     */
    @Override
    public void connect() {
        super.connect();
        if (getSoTimeout() != 0) { // a socket fresh from the factory
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
    protected Object readProtocolWithCheckingBroken() {
        if (blocking) {
            return super.readProtocolWithCheckingBroken();
        }
        long due = start();
        Object reply;
        try {
            reply = super.readProtocolWithCheckingBroken();
        } catch (Throwable e) {
            throw end(due, e);
        }
        finish(due);
        return reply;
    }

    @Override
    protected void flush() {
        long due = start();
        try {
            super.flush();
        } catch (Throwable e) {
            throw end(due, e);
        }
        finish(due);
    }

    /** Called by the watch: closes the socket when the read or flush in progress is past its due time. */
    void expireIfLate(long now) {
        long due = this.due;
        if (due != IDLE && due != EXPIRED && now - due > 0 && DUE.compareAndSet(this, due, EXPIRED)) {
            try {
                forceDisconnect(); // the blocked read or write fails at once
            } catch (IOException e) {
                // Closing failed: the socket is unusable either way, and the caller fails as late.
            }
        }
    }

    private long start() {
        long due = System.nanoTime() + timeoutNanos;
        if (due == IDLE || due == EXPIRED) {
            due++;
        }
        this.due = due;
        return due;
    }

    /** Back to idle; throws the timeout when the watch expired this connection meanwhile. */
    private void finish(long due) {
        if (!DUE.compareAndSet(this, due, IDLE)) {
            throw timedOut(null);
        }
    }

    /** The exception to throw for {@code e}: the timeout when the watch caused it, else {@code e}. */
    private RuntimeException end(long due, Throwable e) {
        if (!DUE.compareAndSet(this, due, IDLE)) {
            return timedOut(e);
        }
        if (e instanceof RuntimeException r) {
            return r;
        }
        if (e instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(e); // Jedis's reads throw no checked exception
    }

    private JedisConnectionException timedOut(Throwable cause) {
        setBroken();
        JedisConnectionException timeout = new JedisConnectionException(new SocketTimeoutException(
                "no reply from Redis within " + Duration.ofNanos(timeoutNanos).toMillis() + " ms"));
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
