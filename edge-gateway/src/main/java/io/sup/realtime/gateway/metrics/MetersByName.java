package io.sup.realtime.gateway.metrics;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Meters per event name, for names from a known set: each known name's meters are built at
 * its first use and kept (the hot path does one map lookup by the name it has), and every
 * other name shares the meters of {@code unknown}, so a client cannot grow the label set.
 *
 * @param <M> the meters of one name
 */
final class MetersByName<M> {
    private final Predicate<String> known;
    private final Function<String, M> create;
    private final ConcurrentHashMap<String, M> byName = new ConcurrentHashMap<>();
    private final M unknown;

    /**
     * @param known  whether a name is one of the set
     * @param create builds the meters of a name (called once per known name, and for {@code unknown})
     */
    MetersByName(Predicate<String> known, Function<String, M> create) {
        this.known = known;
        this.create = create;
        this.unknown = create.apply("unknown");
    }

    /** The meters of {@code name}, or of {@code unknown} when it is not in the set. */
    M of(String name) {
        M found = byName.get(name);
        if (found != null) {
            return found;
        }
        return known.test(name) ? byName.computeIfAbsent(name, create) : unknown;
    }
}
