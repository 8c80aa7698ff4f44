package io.sup.realtime.platform.lifecycle;

/**
 * One client connection as the gateway names it: whose it is and its id.
 *
 * @param userId       the user (JWT {@code sub})
 * @param connectionId the gateway connection, {@code <instance>.<suffix>}, unique per connection
 */
public record ConnectionRef(String userId, String connectionId) {
}
