package io.sup.realtime.gateway.routing;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.sup.realtime.gateway.protocol.ErrorCode;
import io.sup.realtime.platform.grpc.ServiceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The one gRPC status -> client error mapping, as proto/README.md states it. */
class StatusMappingTest {

    @ParameterizedTest
    @EnumSource(Status.Code.class)
    void everyStatusHasAClientCode(Status.Code code) {
        assertNotNull(StatusMapping.errorCode(code));
    }

    @Test
    void codesMapAsDocumented() {
        assertEquals(ErrorCode.INVALID_ARGUMENT, StatusMapping.errorCode(Status.Code.INVALID_ARGUMENT));
        assertEquals(ErrorCode.INVALID_ARGUMENT, StatusMapping.errorCode(Status.Code.ALREADY_EXISTS));
        assertEquals(ErrorCode.FORBIDDEN, StatusMapping.errorCode(Status.Code.PERMISSION_DENIED));
        assertEquals(ErrorCode.UNAUTHENTICATED, StatusMapping.errorCode(Status.Code.UNAUTHENTICATED));
        assertEquals(ErrorCode.NOT_FOUND, StatusMapping.errorCode(Status.Code.NOT_FOUND));
        assertEquals(ErrorCode.RATE_LIMITED, StatusMapping.errorCode(Status.Code.RESOURCE_EXHAUSTED));
        assertEquals(ErrorCode.UNAVAILABLE, StatusMapping.errorCode(Status.Code.DEADLINE_EXCEEDED));
        assertEquals(ErrorCode.UNIMPLEMENTED, StatusMapping.errorCode(Status.Code.UNIMPLEMENTED));
        assertEquals(ErrorCode.INTERNAL, StatusMapping.errorCode(Status.Code.DATA_LOSS));
    }

    @Test
    void clientFaultsKeepTheServiceMessageAndServerFaultsHideIt() {
        assertEquals("not a member of chat c1",
                StatusMapping.message(Status.PERMISSION_DENIED.withDescription("not a member of chat c1")));
        assertEquals("internal error", StatusMapping.message(Status.INTERNAL.withDescription("NullPointerException at ...")));
        assertEquals("service unavailable, retry later", StatusMapping.message(Status.UNAVAILABLE.withDescription("io exception")));
    }

    @Test
    void retryHintComesFromTheTrailer() {
        Metadata trailers = new Metadata();
        trailers.put(ServiceException.RETRY_AFTER_MS, "2500");
        assertEquals(2500, StatusMapping.retryAfterMs(new StatusRuntimeException(Status.RESOURCE_EXHAUSTED, trailers)));
        assertEquals(0, StatusMapping.retryAfterMs(new StatusRuntimeException(Status.RESOURCE_EXHAUSTED)));
        Metadata junk = new Metadata();
        junk.put(ServiceException.RETRY_AFTER_MS, "soon");
        assertEquals(0, StatusMapping.retryAfterMs(new StatusRuntimeException(Status.RESOURCE_EXHAUSTED, junk)));
    }
}
