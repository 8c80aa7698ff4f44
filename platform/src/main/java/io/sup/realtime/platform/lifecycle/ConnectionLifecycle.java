package io.sup.realtime.platform.lifecycle;

import java.util.List;

/**
 * What a service does with the gateways' connection reports ({@link ConnectionLifecycleEndpoint}):
 * each service keeps the per-connection state it needs and takes only the reports that tell
 * it something. Reports are never retried: a service's records have a lifetime that alive
 * reports extend, so a lost report ends in expiry (see {@code sup.gateway.v1.ConnectionLifecycleService}).
 */
public interface ConnectionLifecycle {
    /** A connection authenticated. By default nothing: most records begin with what a connection does. */
    default void opened(ConnectionRef connection) {
    }

    /** These connections of one gateway instance are still open (batches of up to 1,000). By default nothing. */
    default void alive(List<ConnectionRef> connections) {
    }

    /** A connection ended. */
    void closed(ConnectionRef connection);
}
