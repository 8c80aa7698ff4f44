package io.sup.realtime.messaging.grpc;

import java.util.Map;

import io.sup.realtime.messaging.RunningMessagingService;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A malformed {@code RATE_LIMITS} or {@code RATE_LIMIT_CEILING} stops messaging-service at start-up, naming the setting. */
class BadRateLimitSettingsStopStartUpTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @Test
    void aMalformedLimitNamesItsSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RunningMessagingService.start(REDIS, Map.of("rate.limits", "message:new=30 a minute")));

        assertTrue(e.getMessage().startsWith("configuration 'rate.limits' (env RATE_LIMITS) has a bad value"), e.getMessage());
        assertTrue(e.getMessage().contains("message:new"), e.getMessage());
    }

    @Test
    void aMalformedCeilingNamesItsSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RunningMessagingService.start(REDIS, Map.of("rate.limit.ceiling", "300")));

        assertTrue(e.getMessage().startsWith("configuration 'rate.limit.ceiling' (env RATE_LIMIT_CEILING) has a bad value"),
                e.getMessage());
    }
}
