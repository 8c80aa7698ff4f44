package io.sup.realtime.platform.redis;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.helidon.metrics.api.Timer;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.executors.CommandExecutor;

/**
 * Times every command a client runs outside pipelines and counts its failures
 * ({@link RedisMeters}), around Jedis's own executor (standalone or cluster), so every
 * command of every store is measured in this one place.
 */
final class MeteredExecutor implements CommandExecutor {
    private final CommandExecutor delegate;
    private final RedisMeters meters;

    MeteredExecutor(CommandExecutor delegate, RedisMeters meters) {
        this.delegate = delegate;
        this.meters = meters;
    }

    @Override
    public <T> T executeCommand(CommandObject<T> command) {
        Timer timer = timerOf(command.getArguments());
        long start = System.nanoTime();
        try {
            return delegate.executeCommand(command);
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
            return meters.script(new String(args.get(1).getRaw(), StandardCharsets.US_ASCII));
        }
        return meters.command(args.getCommand().toString());
    }

    @Override
    public void close() throws Exception {
        delegate.close();
    }
}
