package io.sup.realtime.platform.grpc;

/**
 * A failure a domain service reports to its caller: a {@link Kind} that says what the caller
 * can do about it, and a message safe to show the end user (no tokens, no message content).
 *
 * <p>Services throw it from domain code; {@link ErrorMappingInterceptor} turns it into the
 * gRPC status of the same name, and the gateway turns that status into a client error code
 * (see {@code proto/README.md}).
 */
public final class ServiceException extends RuntimeException {
    /** What went wrong, named after the gRPC status code it maps to. */
    public enum Kind {
        /** The request is malformed or breaks a limit; retrying it unchanged fails again. */
        INVALID_ARGUMENT,
        /** The caller may not do this (also used for things it may not know exist). */
        PERMISSION_DENIED,
        /** The named thing does not exist (only where the caller may know that). */
        NOT_FOUND,
        /** The thing to create exists already. */
        ALREADY_EXISTS,
        /** The thing is not in a state that allows this (e.g. a call that has ended); retrying unchanged fails again. */
        FAILED_PRECONDITION,
        /** A limit on rate or quantity was hit; retry later. */
        RESOURCE_EXHAUSTED,
        /** A dependency (Redis, another service) is down; retry with backoff. */
        UNAVAILABLE
    }

    /** Trailer carrying how long to wait before retrying, in milliseconds (with RESOURCE_EXHAUSTED). */
    public static final io.grpc.Metadata.Key<String> RETRY_AFTER_MS =
            io.grpc.Metadata.Key.of("retry-after-ms", io.grpc.Metadata.ASCII_STRING_MARSHALLER);

    private final Kind kind;
    private final long retryAfterMs;

    private ServiceException(Kind kind, String message, long retryAfterMs) {
        super(message, null, false, false);
        this.kind = kind;
        this.retryAfterMs = retryAfterMs;
    }

    private ServiceException(Kind kind, String message) {
        this(kind, message, 0);
    }

    /** How long the caller should wait before retrying, in milliseconds; 0 when unsaid. */
    public long retryAfterMs() {
        return retryAfterMs;
    }

    /** The kind of failure. */
    public Kind kind() {
        return kind;
    }

    /** @see Kind#INVALID_ARGUMENT */
    public static ServiceException invalidArgument(String message) {
        return new ServiceException(Kind.INVALID_ARGUMENT, message);
    }

    /** @see Kind#PERMISSION_DENIED */
    public static ServiceException permissionDenied(String message) {
        return new ServiceException(Kind.PERMISSION_DENIED, message);
    }

    /** @see Kind#NOT_FOUND */
    public static ServiceException notFound(String message) {
        return new ServiceException(Kind.NOT_FOUND, message);
    }

    /** @see Kind#ALREADY_EXISTS */
    public static ServiceException alreadyExists(String message) {
        return new ServiceException(Kind.ALREADY_EXISTS, message);
    }

    /** @see Kind#FAILED_PRECONDITION */
    public static ServiceException failedPrecondition(String message) {
        return new ServiceException(Kind.FAILED_PRECONDITION, message);
    }

    /** @see Kind#RESOURCE_EXHAUSTED */
    public static ServiceException resourceExhausted(String message) {
        return new ServiceException(Kind.RESOURCE_EXHAUSTED, message);
    }

    /**
     * A rate limit was hit; the caller may retry after {@code retryAfterMs} milliseconds
     * (sent as the {@link #RETRY_AFTER_MS} trailer).
     */
    public static ServiceException rateLimited(String message, long retryAfterMs) {
        return new ServiceException(Kind.RESOURCE_EXHAUSTED, message, retryAfterMs);
    }

    /** @see Kind#UNAVAILABLE */
    public static ServiceException unavailable(String message) {
        return new ServiceException(Kind.UNAVAILABLE, message);
    }
}
