package io.sup.realtime.gateway.routing;

import java.util.Map;

/**
 * One domain's client events and their {@link Route}s to that domain's service: the one file
 * an event of the domain is added to. {@link EventRouter} composes the tables.
 */
public interface RouteTable {
    /** The domain whose events this table routes (each must be that domain's in {@link ClientEvents#OWNERS}). */
    ClientEvents.Domain domain();

    /** Event name -> route, for every event of the domain this table serves. */
    Map<String, Route> routes();
}
