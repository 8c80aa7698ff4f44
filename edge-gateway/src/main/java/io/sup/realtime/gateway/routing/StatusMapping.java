package io.sup.realtime.gateway.routing;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.gateway.protocol.ErrorCode;

/**
 * The one place where a service's gRPC status becomes the client's error code (the contract
 * is written down in {@code proto/README.md}). Messages of client-fault statuses pass
 * through (services write them for end users); server-side failures get a generic message.
 */
public final class StatusMapping {
    private StatusMapping() {
    }

    /** The client error code for {@code code}. */
    public static ErrorCode errorCode(Status.Code code) {
        return switch (code) {
            case INVALID_ARGUMENT, OUT_OF_RANGE, FAILED_PRECONDITION, ALREADY_EXISTS -> ErrorCode.INVALID_ARGUMENT;
            case PERMISSION_DENIED -> ErrorCode.FORBIDDEN;
            case UNAUTHENTICATED -> ErrorCode.UNAUTHENTICATED;
            case NOT_FOUND -> ErrorCode.NOT_FOUND;
            case RESOURCE_EXHAUSTED -> ErrorCode.RATE_LIMITED;
            case UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED, CANCELLED -> ErrorCode.UNAVAILABLE;
            case UNIMPLEMENTED -> ErrorCode.UNIMPLEMENTED;
            case OK, UNKNOWN, INTERNAL, DATA_LOSS -> ErrorCode.INTERNAL;
        };
    }

    /**
     * The service's retry hint ({@code retry-after-ms} trailer, set with RESOURCE_EXHAUSTED),
     * in milliseconds; 0 when absent or malformed.
     */
    public static long retryAfterMs(StatusRuntimeException e) {
        Metadata trailers = e.getTrailers();
        String value = trailers == null ? null : trailers.get(ServiceException.RETRY_AFTER_MS);
        try {
            return value == null ? 0 : Math.max(0, Long.parseLong(value));
        } catch (NumberFormatException malformed) {
            return 0;
        }
    }

    /** The message the client sees for {@code status}. */
    public static String message(Status status) {
        return switch (errorCode(status.getCode())) {
            case INVALID_ARGUMENT, FORBIDDEN, NOT_FOUND, RATE_LIMITED, UNAUTHENTICATED ->
                    status.getDescription() != null ? status.getDescription() : status.getCode().name();
            case UNAVAILABLE -> "service unavailable, retry later";
            case UNIMPLEMENTED -> "not implemented yet";
            case INTERNAL -> "internal error";
        };
    }
}
