package io.sup.realtime.notification.preferences;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Pattern;

import io.sup.realtime.notification.ClientEvent;
import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.ids.Ids;
import io.sup.realtime.platform.limits.RateCheck;
import io.sup.realtime.platform.limits.RateLimiter;

/**
 * A user's notification preferences: muted chats and the do-not-disturb window, set by the
 * user (client events) or by a backend (the same RPCs with a caller naming the user).
 */
public final class PreferenceService {
    private static final Duration MAX_MUTE = Duration.ofDays(3653);
    private static final Pattern HOUR_MINUTE = Pattern.compile("([01][0-9]|2[0-3]):[0-5][0-9]");

    private final PreferenceStore store;
    private final RateLimiter limiter;
    private final Clock clock;

    /**
     * @param store   where preferences are kept
     * @param limiter per-user limits of the client events
     * @param clock   time source (mutes that ran out are not shown)
     */
    public PreferenceService(PreferenceStore store, RateLimiter limiter, Clock clock) {
        this.store = store;
        this.limiter = limiter;
        this.clock = clock;
    }

    /**
     * Mutes a chat ({@code notification:mute}).
     *
     * @param until muted until then; empty: until unmuted
     * @throws ServiceException INVALID_ARGUMENT for a malformed chat id or an {@code until} in
     *     the past; FAILED_PRECONDITION when the user has the most muted chats allowed;
     *     RESOURCE_EXHAUSTED when rate limited
     */
    public Preferences mute(String userId, String chatId, Optional<Instant> until) {
        requireChatId(chatId);
        Instant now = Instant.ofEpochMilli(clock.millis());
        if (until.isPresent() && (!until.get().isAfter(now) || until.get().isAfter(now.plus(MAX_MUTE)))) {
            throw ServiceException.invalidArgument("until must be in the future, within 10 years (leave it out to"
                    + " mute until unmuted)");
        }
        RateCheck check = limiter.check(userId, ClientEvent.MUTE);
        return done(store.mute(userId, chatId, until, check, now), check);
    }

    /** Unmutes a chat ({@code notification:unmute}); idempotent. Errors as for {@link #mute}. */
    public Preferences unmute(String userId, String chatId) {
        requireChatId(chatId);
        RateCheck check = limiter.check(userId, ClientEvent.UNMUTE);
        return done(store.unmute(userId, chatId, check, Instant.ofEpochMilli(clock.millis())), check);
    }

    /**
     * Sets ({@code enabled}) or turns off the do-not-disturb window ({@code notification:set-dnd}).
     *
     * @param start    "HH:MM", 24 h
     * @param end      "HH:MM"
     * @param timeZone an IANA zone id; empty: UTC
     * @throws ServiceException INVALID_ARGUMENT for malformed times or an unknown zone;
     *     RESOURCE_EXHAUSTED when rate limited
     */
    public Preferences doNotDisturb(String userId, boolean enabled, String start, String end, String timeZone) {
        Optional<DoNotDisturb> window = enabled
                ? Optional.of(new DoNotDisturb(time(start, "start"), time(end, "end"), zone(timeZone)))
                : Optional.empty();
        RateCheck check = limiter.check(userId, ClientEvent.SET_DND);
        return done(store.doNotDisturb(userId, window, check, Instant.ofEpochMilli(clock.millis())), check);
    }

    /** The user's preferences ({@code notification:get-preferences}). RESOURCE_EXHAUSTED when rate limited. */
    public Preferences read(String userId) {
        RateCheck check = limiter.check(userId, ClientEvent.GET_PREFERENCES);
        return done(store.read(userId, check, Instant.ofEpochMilli(clock.millis())), check);
    }

    private static Preferences done(PreferenceStore.Changed changed, RateCheck check) {
        return switch (changed) {
            case PreferenceStore.Changed.Done d -> d.preferences();
            case PreferenceStore.Changed.TooManyMutes t ->
                    throw ServiceException.failedPrecondition("too many muted chats: unmute one first");
            case PreferenceStore.Changed.RateLimited r -> throw check.refused(r.retryAfterMs());
        };
    }

    private static LocalTime time(String text, String field) {
        if (!HOUR_MINUTE.matcher(text).matches()) {
            throw ServiceException.invalidArgument(field + " must be HH:MM (00:00-23:59)");
        }
        return LocalTime.parse(text);
    }

    private static ZoneId zone(String id) {
        if (id.isEmpty()) {
            return ZoneOffset.UTC;
        }
        // Region ids of the IANA database only: not offsets ("+05:00", "UTC+3") nor the old SystemV ones.
        if (!ZoneId.getAvailableZoneIds().contains(id) || id.startsWith("SystemV/")) {
            throw ServiceException.invalidArgument("timeZone must be an IANA time zone such as Europe/Berlin");
        }
        return ZoneId.of(id);
    }

    private static void requireChatId(String chatId) {
        if (!Ids.isValid(chatId)) {
            throw ServiceException.invalidArgument("chatId must be 1-" + Ids.MAX_LENGTH
                    + " characters of A-Z a-z 0-9 _ . : @ -");
        }
    }

    /** Reads an RFC 3339 time for {@code until}; empty text: none. */
    public static Optional<Instant> until(String text) {
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            Instant until = Instant.parse(text);
            if (until.isAfter(Instant.parse("9999-12-31T23:59:59Z"))) {
                throw new DateTimeParseException("beyond RFC 3339's years", text, 0);
            }
            return Optional.of(until);
        } catch (DateTimeParseException e) {
            throw ServiceException.invalidArgument("until must be an RFC 3339 time such as 2026-12-24T18:00:00Z");
        }
    }
}
