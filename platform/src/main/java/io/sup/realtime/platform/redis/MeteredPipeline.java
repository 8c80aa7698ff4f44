package io.sup.realtime.platform.redis;

import java.util.concurrent.TimeUnit;

import io.helidon.metrics.api.Timer;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.CommandObjects;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/**
 * A pipeline that hands every command to Jedis's own (a {@link Pipeline} on one connection,
 * or a cluster pipeline split by slot) and times each sync, the round trip(s) the caller waits
 * on, as {@code redis.commands{command="PIPELINE"}}; a sync that fails is counted in
 * {@code redis.errors}. Error replies of single commands inside it surface when their
 * {@code Response} is read and are not counted here.
 */
final class MeteredPipeline extends AbstractPipeline {
    private final AbstractPipeline delegate;
    private final RedisMeters meters;
    private final Timer timer;
    private boolean pending;

    MeteredPipeline(CommandObjects commands, AbstractPipeline delegate, RedisMeters meters) {
        super(commands);
        this.delegate = delegate;
        this.meters = meters;
        this.timer = meters.command(RedisMeters.PIPELINE);
    }

    @Override
    protected <T> Response<T> appendCommand(CommandObject<T> command) {
        pending = true;
        return switch (delegate) {
            case Pipeline single -> single.appendCommand(command);
            case MeteredRedis.SlotPipeline slots -> slots.queue(command);
            default -> throw new IllegalStateException("unexpected pipeline " + delegate.getClass());
        };
    }

    @Override
    public void sync() {
        if (!pending) {
            return;
        }
        pending = false;
        long start = System.nanoTime();
        try {
            delegate.sync();
        } catch (RuntimeException e) {
            meters.failed(e);
            throw e;
        } finally {
            timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void close() {
        try {
            sync();
        } finally {
            delegate.close();
        }
    }
}
