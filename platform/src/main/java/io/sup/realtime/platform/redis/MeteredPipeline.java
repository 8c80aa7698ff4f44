package io.sup.realtime.platform.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.helidon.metrics.api.Timer;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.CommandObjects;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisRedirectionException;

/**
 * A pipeline that hands every command to Jedis's own (a {@link Pipeline} on one connection,
 * or a {@link SlotPipeline} split by slot) and times each sync, the round trip(s) the caller waits
 * on, as {@code redis.commands{command="PIPELINE"}}; a sync that fails is counted in
 * {@code redis.errors}. Error replies of single commands inside it surface when their
 * {@code Response} is read and are not counted here, except MOVED/ASK on a cluster
 * ({@code kind=cluster}), which also make the client learn the slots again.
 */
final class MeteredPipeline extends AbstractPipeline {
    private final AbstractPipeline delegate;
    private final RedisMeters meters;
    /** PIPELINE's timer, or a script's ({@link #timedAs}). */
    private Timer timer;
    /** On a cluster: learns the slots again; null standalone. */
    private final Runnable onMoved;
    /** On a cluster: the replies, checked after sync for MOVED; null standalone. */
    private final List<Response<?>> replies;
    /** Standalone: drops the pool's idle connections when this one broke (they are likely dead too). */
    private final Runnable onConnectionFailure;
    private boolean pending;

    /**
     * @param onMoved             on a cluster, what to do when a reply says MOVED or ASK (learn
     *                            the slots again); null on standalone Redis
     * @param onConnectionFailure what to do when the sync fails for its connection; may be a no-op
     */
    MeteredPipeline(CommandObjects commands, AbstractPipeline delegate, RedisMeters meters, Runnable onMoved,
            Runnable onConnectionFailure) {
        super(commands);
        this.delegate = delegate;
        this.meters = meters;
        this.onConnectionFailure = onConnectionFailure;
        this.timer = meters.command(RedisMeters.PIPELINE);
        this.onMoved = onMoved;
        this.replies = onMoved == null ? null : new ArrayList<>();
    }

    /**
     * Times this pipeline's syncs as the round trips of the script Redis knows by {@code sha1}
     * ({@code command=PIPELINE}, its name as {@code script}): for a script with reads sent after
     * it, so that its latency stays visible by name.
     */
    void timedAs(String sha1) {
        timer = meters.script(RedisMeters.PIPELINE, sha1);
    }

    @Override
    protected <T> Response<T> appendCommand(CommandObject<T> command) {
        pending = true;
        Response<T> reply;
        try {
            reply = switch (delegate) {
                case Pipeline single -> single.appendCommand(command);
                // On a cluster the append borrows each master's connection: count its failures.
                case SlotPipeline slots -> slots.appendCommand(command);
                default -> throw new IllegalStateException("unexpected pipeline " + delegate.getClass());
            };
        } catch (RuntimeException e) {
            meters.failed(e);
            throw e;
        }
        if (replies != null) {
            replies.add(reply);
        }
        return reply;
    }

    @Override
    public void sync() {
        if (!pending) {
            return;
        }
        pending = false;
        long start = System.nanoTime();
        boolean synced = false;
        try {
            delegate.sync();
            synced = true;
        } catch (JedisConnectionException e) {
            meters.failed(e);
            onConnectionFailure.run();
            throw e;
        } catch (RuntimeException e) {
            meters.failed(e);
            throw e;
        } finally {
            timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            if (!synced && replies != null) {
                replies.clear(); // a failed sync: the next one checks only its own replies
            }
        }
        if (replies != null) {
            checkForMoves();
        }
    }

    /**
     * A cluster pipeline does not follow MOVED or ASK: the command fails (its reply
     * throws when read) and the client's slot map stays stale. Learn the slots again at once,
     * so the next command goes to the slot's new master (after a failover or a slot migration).
     */
    private void checkForMoves() {
        boolean moved = false;
        for (Response<?> reply : replies) {
            try {
                reply.get();
            } catch (JedisRedirectionException e) {
                meters.failed(e);
                moved = true;
            } catch (RuntimeException e) {
                // Another error reply: the caller sees it when reading this reply.
            }
        }
        replies.clear();
        if (moved) {
            onMoved.run();
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
