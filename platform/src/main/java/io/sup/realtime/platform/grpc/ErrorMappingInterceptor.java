package io.sup.realtime.platform.grpc;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.sup.realtime.platform.redis.RedisSettings;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisRedirectionException;

/**
 * The one place where a service's exceptions become gRPC statuses: {@link ServiceException}
 * to the status of its kind with its message; a lost Redis connection, no free pooled
 * connection within the Redis timeout, or a Redis that is still loading or otherwise busy, to
 * {@code UNAVAILABLE};
 * anything else to {@code INTERNAL} with a generic message (the stack trace goes to the log,
 * never to the caller).
 */
public final class ErrorMappingInterceptor implements ServerInterceptor {
    private static final Logger LOG = System.getLogger(ErrorMappingInterceptor.class.getName());

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        ServerCall.Listener<Q> delegate = next.startCall(call, headers);
        return new SimpleForwardingServerCallListener<>(delegate) {
            @Override
            public void onMessage(Q message) {
                guard(call, () -> super.onMessage(message));
            }

            @Override
            public void onHalfClose() {
                // Unary handlers run here.
                guard(call, super::onHalfClose);
            }
        };
    }

    private static void guard(ServerCall<?, ?> call, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            Metadata trailers = new Metadata();
            if (e instanceof ServiceException se && se.retryAfterMs() > 0) {
                trailers.put(ServiceException.RETRY_AFTER_MS, Long.toString(se.retryAfterMs()));
            }
            call.close(toStatus(call.getMethodDescriptor().getFullMethodName(), e), trailers);
        }
    }

    /**
     * Redis errors that mean "not now" rather than "wrong": loading its data after a restart,
     * busy running a script, a replica that lost its master, a cluster resharding.
     */
    private static boolean isTransientRedisState(Throwable failure) {
        if (!(failure instanceof JedisDataException) || failure.getMessage() == null) {
            return false;
        }
        String message = failure.getMessage();
        return message.startsWith("LOADING") || message.startsWith("BUSY") || message.startsWith("MASTERDOWN")
                || message.startsWith("READONLY") || message.startsWith("TRYAGAIN") || message.startsWith("CLUSTERDOWN");
    }

    /** The status a caller sees for {@code failure}. */
    static Status toStatus(String method, Throwable failure) {
        if (failure instanceof ServiceException se) {
            return Status.fromCode(Status.Code.valueOf(se.kind().name())).withDescription(se.getMessage());
        }
        // A cluster client that ran out of attempts (a master down until its failover, no
        // node for a slot), or a pipelined command that met a moved slot (the client has
        // learnt the new map by now), is as unavailable as a lost connection: retry.
        if (failure instanceof JedisConnectionException || failure instanceof JedisClusterOperationException
                || failure instanceof JedisRedirectionException || isTransientRedisState(failure)
                || RedisSettings.isPoolExhausted(failure)) {
            LOG.log(Level.WARNING, method + ": Redis unavailable: " + failure.getMessage());
            return Status.UNAVAILABLE.withDescription("storage unavailable, retry later");
        }
        LOG.log(Level.ERROR, method + " failed", failure);
        return Status.INTERNAL.withDescription("internal error");
    }
}
