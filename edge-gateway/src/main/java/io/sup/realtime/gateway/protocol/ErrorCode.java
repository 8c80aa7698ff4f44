package io.sup.realtime.gateway.protocol;

/**
 * The error codes clients see, in acks ({@code {success: false, error: {code, message}}})
 * and in the {@code error} event, the same for every wire protocol.
 */
public enum ErrorCode {
    /** No valid token: get a new one and reconnect. */
    UNAUTHENTICATED,
    /** Authenticated, but not allowed (e.g. not a member of the chat). Do not retry. */
    FORBIDDEN,
    /** The event or its payload is malformed or breaks a limit. Fix it; do not retry as is. */
    INVALID_ARGUMENT,
    /** The named thing does not exist (where the caller may know that). */
    NOT_FOUND,
    /** Too many requests; retry after {@code retryAfterMs}. */
    RATE_LIMITED,
    /** A backend is down or timed out; retry with backoff. */
    UNAVAILABLE,
    /** The event is known but its domain has not been built yet. Do not retry. */
    UNIMPLEMENTED,
    /** A server bug. Retrying may help; report it if it persists. */
    INTERNAL
}
