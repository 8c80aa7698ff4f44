package io.sup.realtime.notification.push;

import java.time.Instant;

/**
 * A push given up on after its last attempt, as {@link DeadLetters} keeps it. Holds no token.
 *
 * @param id             the record's position in the stream (a Redis stream id such as
 *                       {@code 1764612345678-0}): pass it as {@code after} to read on
 * @param pushId         the push ({@link PushMessage#pushId}), the same id receivers saw in
 *                       {@code X-Sup-Delivery}
 * @param userId         whose device it was for
 * @param deviceId       the device
 * @param provider       the provider it went through (or was meant to: possibly one not configured)
 * @param notificationId the notification it carried
 * @param attempts       how many attempts were made (0: none, e.g. the provider is not configured)
 * @param error          what the last attempt ended with, e.g. {@code http 503}, {@code timeout}
 * @param at             when it was given up on (millisecond precision)
 */
public record DeadLetter(String id, String pushId, String userId, String deviceId, String provider,
                         String notificationId, int attempts, String error, Instant at) {
}
