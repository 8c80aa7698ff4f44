package io.sup.realtime.notification.preferences;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;

/**
 * A daily do-not-disturb window in the user's time zone, e.g. 22:00-07:00 Europe/Berlin. A
 * window whose end is before its start spans midnight; start == end covers the whole day.
 *
 * @param start    when it begins each day (inclusive)
 * @param end      when it ends (exclusive)
 * @param timeZone the zone the times are in (daylight saving time follows the zone's rules)
 */
public record DoNotDisturb(LocalTime start, LocalTime end, ZoneId timeZone) {
    /** Whether {@code at} falls inside the window. */
    public boolean covers(Instant at) {
        LocalTime local = at.atZone(timeZone).toLocalTime();
        if (start.equals(end)) {
            return true;
        }
        return start.isBefore(end)
                ? !local.isBefore(start) && local.isBefore(end)
                : !local.isBefore(start) || local.isBefore(end);
    }

    /** The stored form: {@code <start>|<end>|<zone>}. */
    String encode() {
        return start + "|" + end + "|" + timeZone.getId();
    }

    static DoNotDisturb decode(String stored) {
        String[] parts = stored.split("\\|", 3);
        return new DoNotDisturb(LocalTime.parse(parts[0]), LocalTime.parse(parts[1]), ZoneId.of(parts[2]));
    }
}
