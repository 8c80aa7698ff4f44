package io.sup.realtime.tools;

/**
 * A runtime failure a command reports to the user as one line, {@code error: <message>} on
 * stderr, with exit code {@value SupCli#EXIT_FAILURE}. Thrown for things outside the
 * user's arguments: an unreachable service, a gRPC error, a closed connection.
 */
public final class CliFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, for the user */
    public CliFailure(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, for the user
     * @param cause   the underlying exception
     */
    public CliFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
