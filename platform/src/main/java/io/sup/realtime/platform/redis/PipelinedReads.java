package io.sup.realtime.platform.redis;

import redis.clients.jedis.AbstractPipeline;

/**
 * Reads one store makes in another's round trip: queued in the same pipeline right after that
 * store's command (a script, say), so that they cost no round trip of their own. On one
 * connection Redis runs a pipeline's commands in order, so the reads see what the command
 * before them wrote; {@link LuaScript#run(redis.clients.jedis.UnifiedJedis, java.util.List,
 * java.util.List, PipelinedReads)} queues them only where that holds (not on a cluster, whose
 * pipeline sends each command to its own node) and calls {@link #discard()} when it does not.
 */
public interface PipelinedReads {
    /** Nothing to read: the command runs on its own. */
    PipelinedReads NONE = new PipelinedReads() {
        @Override
        public boolean isEmpty() {
            return true;
        }

        @Override
        public void queueIn(AbstractPipeline pipeline) {
        }

        @Override
        public void discard() {
        }
    };

    /** True when there is nothing to queue (the command may as well run on its own). */
    boolean isEmpty();

    /** Queues the reads in {@code pipeline}; their replies are there once it has synced. */
    void queueIn(AbstractPipeline pipeline);

    /**
     * Forgets what the reads found, or marks them never sent: they did not run right after the
     * command (it was refused and ran again on its own) or were not queued at all, so their
     * owner must read again.
     */
    void discard();
}
