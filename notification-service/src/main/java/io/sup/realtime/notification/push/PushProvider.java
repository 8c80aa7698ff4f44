package io.sup.realtime.notification.push;

/**
 * A way to reach a device that has no live connection: FCM, APNs, or the shipped webhook,
 * which hands pushes to a relay of the operator's (see docs/API.md, "Push"). An
 * implementation makes its own attempts (timeouts, retries with backoff) and answers once it
 * is done; the caller records dead letters, removes invalid tokens and counts outcomes.
 */
public interface PushProvider {
    /** The name registrations use in {@code provider}, e.g. {@code webhook}. */
    String name();

    /**
     * Sends one push, blocking until delivered or given up (call it on a virtual thread).
     *
     * @return how it ended; never throws for a failed delivery
     */
    PushOutcome send(PushMessage message);
}
