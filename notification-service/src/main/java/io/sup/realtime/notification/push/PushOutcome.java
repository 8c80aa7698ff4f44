package io.sup.realtime.notification.push;

/** How one push ended, after every attempt its provider made. */
public sealed interface PushOutcome {
    /** @return how many attempts were made (1 when the first succeeded) */
    int attempts();

    /** The provider accepted it. */
    record Delivered(int attempts) implements PushOutcome {
    }

    /** The provider says the token is no longer valid: the registration is to be removed. */
    record TokenInvalid(int attempts) implements PushOutcome {
    }

    /**
     * Given up: the last attempt failed, or the provider refused it for good.
     *
     * @param error what the last attempt ended with (e.g. {@code http 503}, {@code timeout}); never the token
     */
    record Failed(int attempts, String error) implements PushOutcome {
    }
}
