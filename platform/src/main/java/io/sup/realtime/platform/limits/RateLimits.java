package io.sup.realtime.platform.limits;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.sup.realtime.platform.config.Settings;

/**
 * Which per-user limit each client event has: the event's own ({@link #DEFAULTS}, changed by
 * configuration), or else the ceiling that every event without a limit of its own shares.
 * Limits are per user and shared by all of the user's connections on every gateway instance.
 *
 * <p>Configuration (every service that checks limits reads the same two settings):
 * <ul>
 *   <li>{@code rate.limits} ({@code RATE_LIMITS}): comma-separated {@code event=max/window}
 *       entries, e.g. {@code message:new=30/60s,message:typing=10/10s}. Each entry replaces
 *       that event's default; {@code event=off} removes the event's own limit, so the
 *       ceiling applies to it. Blank: the defaults as they are.</li>
 *   <li>{@code rate.limit.ceiling} ({@code RATE_LIMIT_CEILING}): {@code max/window} for the
 *       events without a limit of their own; blank: {@link #DEFAULT_CEILING}.</li>
 * </ul>
 * Entries for events a service does not serve are allowed and unused there, so one
 * {@code RATE_LIMITS} can be given to every service. Each service keeps its counts in its own
 * keyspace, so the ceiling bounds a user's events per service.
 */
public final class RateLimits {
    /** The setting of per-event limits. */
    public static final String LIMITS_KEY = "rate.limits";
    /** The setting of the shared ceiling. */
    public static final String CEILING_KEY = "rate.limit.ceiling";
    /** The bucket name under which the events without a limit of their own are counted together. */
    public static final String CEILING_BUCKET = "*";

    /**
     * The original service's limits (seed: {@code rate-limit.middleware.ts}), for every domain:
     * messaging, presence and calls each enforce the entries of the events they serve.
     */
    public static final Map<String, RateLimit> DEFAULTS = Collections.unmodifiableMap(originalLimits());
    /** The default ceiling: 300 per 60 s. */
    public static final RateLimit DEFAULT_CEILING = RateLimit.parse("300/60s");

    /** Client event names: {@code message:new}, {@code chat:get-active-members}. */
    private static final Pattern EVENT = Pattern.compile("[a-z][a-z0-9]*(:[a-z0-9]+(-[a-z0-9]+)*)+");

    private final Map<String, RateLimit> perEvent;
    private final RateLimit ceiling;

    /**
     * @param perEvent the events with a limit of their own
     * @param ceiling  the limit the other events share
     * @throws IllegalArgumentException for a name that is not a client event's or a missing limit
     */
    public RateLimits(Map<String, RateLimit> perEvent, RateLimit ceiling) {
        perEvent.forEach((event, limit) -> {
            requireEventName(event);
            if (limit == null) {
                throw new IllegalArgumentException(event + " has no limit");
            }
        });
        if (ceiling == null) {
            throw new IllegalArgumentException("the ceiling is missing");
        }
        this.perEvent = Collections.unmodifiableMap(new LinkedHashMap<>(perEvent));
        this.ceiling = ceiling;
    }

    /** {@link #DEFAULTS} and {@link #DEFAULT_CEILING}. */
    public static RateLimits defaults() {
        return new RateLimits(DEFAULTS, DEFAULT_CEILING);
    }

    /**
     * The limits configured in {@code settings} ({@link #LIMITS_KEY}, {@link #CEILING_KEY}).
     *
     * @throws IllegalArgumentException naming the setting whose value is bad
     */
    public static RateLimits from(Settings settings) {
        Map<String, RateLimit> perEvent = settings.parsed(LIMITS_KEY, RateLimits::overriding);
        RateLimit ceiling = settings.parsed(CEILING_KEY, text -> text.isBlank() ? DEFAULT_CEILING : RateLimit.parse(text));
        return new RateLimits(perEvent, ceiling);
    }

    /**
     * Limits from the two settings' texts, as {@link #from} reads them.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static RateLimits parse(String limits, String ceiling) {
        return new RateLimits(overriding(limits), ceiling.isBlank() ? DEFAULT_CEILING : RateLimit.parse(ceiling));
    }

    /** {@link #DEFAULTS} with the entries of {@code text} applied. */
    private static Map<String, RateLimit> overriding(String text) {
        Map<String, RateLimit> limits = new LinkedHashMap<>(DEFAULTS);
        Set<String> given = new HashSet<>();
        for (String entry : text.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("entries are event=max/window or event=off (e.g. message:new=30/60s),"
                        + " not '" + entry.trim() + "'");
            }
            String event = entry.substring(0, eq).trim();
            String value = entry.substring(eq + 1).trim();
            requireEventName(event);
            if (!given.add(event)) {
                throw new IllegalArgumentException(event + " is given twice");
            }
            if (value.equals("off")) {
                limits.remove(event);
                continue;
            }
            try {
                limits.put(event, RateLimit.parse(value));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(event + ": " + e.getMessage(), e);
            }
        }
        return limits;
    }

    private static void requireEventName(String event) {
        if (event == null || !EVENT.matcher(event).matches()) {
            throw new IllegalArgumentException("'" + event + "' is not a client event name (e.g. message:new)");
        }
    }

    /** The limit {@code event} is checked against, and the bucket it is counted in. */
    public Rule ruleFor(String event) {
        RateLimit own = perEvent.get(event);
        return own != null ? new Rule(event, event, own, false) : new Rule(event, CEILING_BUCKET, ceiling, true);
    }

    /** The events with a limit of their own, in the order of the defaults then of the configuration. */
    public Map<String, RateLimit> perEvent() {
        return perEvent;
    }

    /** The limit the events without one of their own share. */
    public RateLimit ceiling() {
        return ceiling;
    }

    @Override
    public String toString() {
        return "RateLimits" + perEvent + " ceiling " + ceiling;
    }

    /**
     * The limit for one event.
     *
     * @param event     the client event, e.g. {@code message:sync}
     * @param bucket    what it is counted in: the event itself, or {@link #CEILING_BUCKET}
     * @param limit     the limit of that bucket
     * @param isCeiling whether the event has no limit of its own and shares the ceiling
     */
    public record Rule(String event, String bucket, RateLimit limit, boolean isCeiling) {
    }

    private static Map<String, RateLimit> originalLimits() {
        Map<String, RateLimit> limits = new LinkedHashMap<>();
        limits.put("message:new", RateLimit.parse("30/60s"));
        limits.put("message:typing", RateLimit.parse("10/10s"));
        limits.put("message:delivered", RateLimit.parse("100/60s"));
        limits.put("message:read", RateLimit.parse("100/60s"));
        limits.put("presence:update", RateLimit.parse("20/60s"));
        limits.put("call:initiate", RateLimit.parse("5/60s"));
        limits.put("reaction:new", RateLimit.parse("50/60s"));
        limits.put("reaction:remove", RateLimit.parse("50/60s"));
        // Not the original's (it had no refresh): the gateway's own event, one signature check
        // and one Redis read each; a client refreshes once per token lifetime.
        limits.put("auth:refresh", RateLimit.parse("10/60s"));
        return limits;
    }
}
