package io.sup.realtime.platform.redis;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.helidon.metrics.api.Timer;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.executors.CommandExecutor;

/**
 * Times every command a client runs outside pipelines and counts its failures
 * ({@link RedisMeters}), around Jedis's own executor (standalone or cluster), so every
 * command of every store is measured in this one place.
 *
 * <p>On a standalone Redis it also sends a command once more, on a new connection, when its
 * pooled connection turned out dead at once (within {@link #STALE_FAILURE}): after a Redis
 * restart every idle pooled connection is dead, so they are all dropped then, and without
 * this the first command on each would fail although Redis is back. A command
 * that failed later (a read timeout: Redis may have run it) is never sent again. The cluster
 * executor retries on its own.
 */
final class MeteredExecutor implements CommandExecutor {
    /** A connection failure this soon after sending means the connection was dead, not the command slow. */
    static final long STALE_FAILURE = TimeUnit.MILLISECONDS.toNanos(50);

    private final CommandExecutor delegate;
    private final RedisMeters meters;
    private final Runnable dropIdleConnections;

    /**
     * @param dropIdleConnections empties the pool's idle connections after a connection failure
     *                            (and before the retry of a command whose connection was dead);
     *                            null: neither (the cluster executor retries on its own)
     */
    MeteredExecutor(CommandExecutor delegate, RedisMeters meters, Runnable dropIdleConnections) {
        this.delegate = delegate;
        this.meters = meters;
        this.dropIdleConnections = dropIdleConnections;
    }

    @Override
    public <T> T executeCommand(CommandObject<T> command) {
        Timer timer = timerOf(command.getArguments());
        long start = System.nanoTime();
        try {
            try {
                return delegate.executeCommand(command);
            } catch (JedisConnectionException e) {
                if (dropIdleConnections == null) {
                    throw e;
                }
                dropIdleConnections.run(); // likely dead with the one that failed
                if (System.nanoTime() - start > STALE_FAILURE) {
                    throw e;
                }
                meters.failed(e);
                return delegate.executeCommand(command); // on a new connection
            }
        } catch (RuntimeException e) {
            meters.failed(e);
            throw e;
        } finally {
            timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public <T> T broadcastCommand(CommandObject<T> command) {
        Timer timer = timerOf(command.getArguments());
        long start = System.nanoTime();
        try {
            return delegate.broadcastCommand(command);
        } catch (RuntimeException e) {
            meters.failed(e);
            throw e;
        } finally {
            timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private Timer timerOf(CommandArguments args) {
        if (args.getCommand() == Protocol.Command.EVALSHA && args.size() > 1) {
            return meters.script("EVALSHA", new String(args.get(1).getRaw(), StandardCharsets.US_ASCII));
        }
        return meters.command(args.getCommand().toString());
    }

    @Override
    public void close() throws Exception {
        delegate.close();
    }
}
