package io.sup.realtime.presence.status;

import java.util.Optional;

/**
 * What a user set: the answer to {@code presence:update}.
 *
 * @param status       the status set
 * @param customStatus the custom status after the update, empty when none
 */
public record UserStatus(Status status, Optional<String> customStatus) {
}
