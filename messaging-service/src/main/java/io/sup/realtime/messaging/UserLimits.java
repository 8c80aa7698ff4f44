package io.sup.realtime.messaging;

import io.sup.realtime.platform.limits.RateCheck;
import io.sup.realtime.platform.limits.RateLimiter;
import io.sup.realtime.platform.limits.RateLimits;

/**
 * messaging-service's per-user rate limits: platform's {@link RateLimiter} over this
 * service's keys ({@link MessagingKeys#rateLimit}), checked by {@link ClientEvent}. Each
 * service method folds the check into the Redis work its event does (see the stores).
 */
public final class UserLimits {
    private final RateLimiter limiter;

    /** @param limits the limits per client event and the ceiling */
    public UserLimits(RateLimits limits) {
        this.limiter = new RateLimiter(limits, MessagingKeys::rateLimit);
    }

    /** The check of one {@code event} by {@code userId}, to run inside the event's Redis work. */
    public RateCheck check(String userId, ClientEvent event) {
        return limiter.check(userId, event.wireName());
    }
}
