package io.sup.realtime.platform.expiry;

/**
 * The time a script runs at, as {@link ExpiryCutoff} sees it.
 *
 * @param now       the service's clock (ms)
 * @param cutoff    records whose expiry is at or before this (ms) count as expired:
 *                  {@code now}, or earlier while the service recovers from an outage
 * @param notBefore while recovering, when expiries count again (ms); 0 otherwise. The sweep
 *                  looks at a record again no earlier than this
 */
public record Moment(long now, long cutoff, long notBefore) {
    /** An ordinary moment: expiries count up to now. */
    public static Moment at(long now) {
        return new Moment(now, now, 0);
    }
}
