package io.sup.realtime.platform.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.SocketTimeoutException;
import java.util.NoSuchElementException;

import io.grpc.Status;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The status a caller sees for each kind of Redis failure ({@link ErrorMappingInterceptor#toStatus}):
 * Redis away, slow, busy or with no free pooled connection is {@code UNAVAILABLE} (retry later);
 * anything else is {@code INTERNAL}, its details kept out of the description.
 */
class RedisFailuresMapToUnavailableTest {
    @Test
    void redisAwaySlowOrOutOfConnectionsIsUnavailable() {
        assertEquals(Status.Code.UNAVAILABLE, codeOf(new JedisConnectionException("connection refused")));
        assertEquals(Status.Code.UNAVAILABLE, codeOf(new JedisConnectionException(new SocketTimeoutException("late"))));
        assertEquals(Status.Code.UNAVAILABLE, codeOf(new JedisException("Could not get a resource from the pool",
                new NoSuchElementException("Timeout waiting for idle object"))), "no free pooled connection in time");
        assertEquals(Status.Code.UNAVAILABLE, codeOf(new JedisDataException("LOADING Redis is loading the dataset")));
    }

    @Test
    void otherFailuresAreInternalWithAGenericDescription() {
        Status status = ErrorMappingInterceptor.toStatus("test/Method", new JedisException("Could not destroy the pool",
                new IllegalStateException("secret detail")));
        assertEquals(Status.Code.INTERNAL, status.getCode());
        assertEquals("internal error", status.getDescription());
        assertEquals(Status.Code.INTERNAL, codeOf(new JedisDataException("ERR wrong number of arguments")));
    }

    private static Status.Code codeOf(Throwable failure) {
        return ErrorMappingInterceptor.toStatus("test/Method", failure).getCode();
    }
}
