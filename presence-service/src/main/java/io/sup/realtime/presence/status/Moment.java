package io.sup.realtime.presence.status;

/**
 * The time a presence script runs at, as {@link ExpiryCutoff} sees it.
 *
 * @param now       the service's clock (ms)
 * @param cutoff    connection records whose expiry is at or before this (ms) count as expired:
 *                  {@code now}, or earlier while presence recovers from an outage
 * @param notBefore while recovering, when expiries count again (ms); 0 otherwise. The sweep
 *                  looks at a user again no earlier than this
 */
record Moment(long now, long cutoff, long notBefore) {
    /** An ordinary moment: expiries count up to now. */
    static Moment at(long now) {
        return new Moment(now, now, 0);
    }
}
