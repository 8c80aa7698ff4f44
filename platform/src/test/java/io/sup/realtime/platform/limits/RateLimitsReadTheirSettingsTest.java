package io.sup.realtime.platform.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.sup.realtime.platform.config.Settings;
import org.junit.jupiter.api.Test;

/**
 * {@link RateLimit} and {@link RateLimits} read the {@code rate.limits} and
 * {@code rate.limit.ceiling} texts exactly as documented, and refuse anything else with a
 * message that names the setting and says what is wrong.
 */
class RateLimitsReadTheirSettingsTest {
    @Test
    void aLimitIsEventsPerWindowInMillisecondsSecondsOrMinutes() {
        assertEquals(new RateLimit(30, Duration.ofSeconds(60)), RateLimit.parse("30/60s"));
        assertEquals(new RateLimit(3, Duration.ofMillis(500)), RateLimit.parse("3/500ms"));
        assertEquals(new RateLimit(5, Duration.ofMinutes(1)), RateLimit.parse("5/1m"));
        assertEquals(new RateLimit(10, Duration.ofSeconds(10)), RateLimit.parse(" 10 / 10s "));
        assertEquals(new RateLimit(100_000, Duration.ofHours(24)), RateLimit.parse("100000/1440m"), "the largest");

        assertEquals("30/60s", RateLimit.parse("30/1m").toString(), "written back in the form it reads");
        assertEquals("3/500ms", RateLimit.parse("3/500ms").toString());
        assertEquals("30 per 60 s", RateLimit.parse("30/60s").describe());
        assertEquals("3 per 500 ms", RateLimit.parse("3/500ms").describe());
    }

    @Test
    void malformedOrOutOfRangeLimitsAreRefusedSayingWhy() {
        Map<String, String> refusals = Map.ofEntries(
                Map.entry("", "<events>/<window>"),
                Map.entry("30", "<events>/<window>"),
                Map.entry("30/60", "<events>/<window>"),
                Map.entry("30/60h", "<events>/<window>"),
                Map.entry("30 per minute", "<events>/<window>"),
                Map.entry("-1/60s", "<events>/<window>"),
                Map.entry("1.5/60s", "<events>/<window>"),
                Map.entry("0/60s", "1 to 100000"),
                Map.entry("100001/60s", "1 to 100000"),
                Map.entry("30/0s", "1 ms to 24 h"),
                Map.entry("30/1441m", "1 ms to 24 h"));
        refusals.forEach((text, why) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RateLimit.parse(text), text);
            assertTrue(e.getMessage().contains(why), "'" + text + "': " + e.getMessage());
        });
    }

    @Test
    void theDefaultsAreTheOriginalServicesLimits() {
        assertEquals(Map.of(
                "message:new", RateLimit.parse("30/60s"),
                "message:typing", RateLimit.parse("10/10s"),
                "message:delivered", RateLimit.parse("100/60s"),
                "message:read", RateLimit.parse("100/60s"),
                "presence:update", RateLimit.parse("20/60s"),
                "call:initiate", RateLimit.parse("5/60s"),
                "reaction:new", RateLimit.parse("50/60s"),
                "reaction:remove", RateLimit.parse("50/60s"),
                "auth:refresh", RateLimit.parse("10/60s")), RateLimits.DEFAULTS);
        assertEquals(RateLimit.parse("300/60s"), RateLimits.DEFAULT_CEILING);
        assertEquals(RateLimits.DEFAULTS, RateLimits.parse("", "").perEvent(), "blank settings: the defaults");
        assertEquals(RateLimits.DEFAULT_CEILING, RateLimits.parse("", "").ceiling());
    }

    @Test
    void entriesReplaceTheirEventsDefaultAndOffLeavesTheEventToTheCeiling() {
        RateLimits limits = RateLimits.parse(" message:new=5/1s , message:typing=off,chat:join=7/2s,", "50/10s");

        assertEquals(new RateLimits.Rule("message:new", "message:new", RateLimit.parse("5/1s"), false),
                limits.ruleFor("message:new"));
        assertEquals(new RateLimits.Rule("chat:join", "chat:join", RateLimit.parse("7/2s"), false),
                limits.ruleFor("chat:join"), "an event without a default may get a limit of its own");
        assertEquals(new RateLimits.Rule("message:typing", "*", RateLimit.parse("50/10s"), true),
                limits.ruleFor("message:typing"));
        assertEquals(new RateLimits.Rule("message:sync", "*", RateLimit.parse("50/10s"), true),
                limits.ruleFor("message:sync"));
        assertEquals(RateLimit.parse("100/60s"), limits.ruleFor("message:read").limit(), "untouched defaults stay");
        assertFalse(limits.perEvent().containsKey("message:typing"));
    }

    @Test
    void badListsAreRefusedNamingTheSettingAndTheEntry() {
        Map<String, String> refusals = Map.of(
                "message:new", "event=max/window or event=off",
                "message:new=fast", "message:new: a limit is <events>/<window>",
                "message:new=0/1s", "message:new: the number of events must be 1 to 100000",
                "message:new=30/60s,message:new=5/1s", "message:new is given twice",
                "Message:New=3/1s", "'Message:New' is not a client event name",
                "=3/1s", "'' is not a client event name",
                "*=3/1s", "'*' is not a client event name");
        refusals.forEach((text, why) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RateLimits.from(Settings.of("x", Map.of("rate.limits", text))), text);
            assertTrue(e.getMessage().startsWith("configuration 'rate.limits' (env RATE_LIMITS) has a bad value '" + text + "'"),
                    e.getMessage());
            assertTrue(e.getMessage().contains(why), "'" + text + "': " + e.getMessage());
        });
    }

    @Test
    void aBadCeilingIsRefusedNamingItsSetting() {
        for (String text : List.of("300", "300/60x", "0/60s")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RateLimits.from(Settings.of("x", Map.of("rate.limit.ceiling", text))), text);
            assertTrue(e.getMessage().startsWith("configuration 'rate.limit.ceiling' (env RATE_LIMIT_CEILING) has a bad value"),
                    e.getMessage());
        }
    }

    @Test
    void settingsAreReadFromTheirKeysAndDefaultWhenAbsent() {
        RateLimits configured = RateLimits.from(Settings.of("x", Map.of(
                "rate.limits", "message:new=3/500ms", "rate.limit.ceiling", "9/2s")));
        RateLimits absent = RateLimits.from(Settings.of("x", Map.of()));

        assertEquals(RateLimit.parse("3/500ms"), configured.ruleFor("message:new").limit());
        assertEquals(RateLimit.parse("9/2s"), configured.ceiling());
        assertEquals(RateLimits.DEFAULTS, absent.perEvent());
        assertEquals(RateLimits.DEFAULT_CEILING, absent.ceiling());
    }

    @Test
    void theConstructorRefusesWhatParsingWould() {
        assertThrows(IllegalArgumentException.class,
                () -> new RateLimits(Map.of("not an event", RateLimit.parse("1/1s")), RateLimits.DEFAULT_CEILING));
        assertThrows(IllegalArgumentException.class, () -> new RateLimits(Map.of(), null));
        assertThrows(IllegalArgumentException.class, () -> new RateLimit(1, Duration.ofNanos(1_500_000)),
                "whole milliseconds");
    }
}
