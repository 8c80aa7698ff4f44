package io.sup.realtime.bench;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The runs of one generator process and the current one. All clients share this one volatile
 * pointer to the current run (cheaper than a field per client for 50k clients): sends and
 * connection-level counters go to it, while deliveries go to the run named in their content
 * and acks to the run whose step is in their ack id. Runs older than the previous one are
 * forgotten: what still arrives for them counts as foreign on the current run.
 */
final class Runs {
    private final ConcurrentHashMap<String, Run> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, Run> byStep = new ConcurrentHashMap<>();
    private volatile Run current;

    Run current() {
        return current;
    }

    /** Makes run the current one; keeps the previous run for late deliveries and acks. */
    void start(Run run) {
        Run previous = current;
        byId.put(run.runId, run);
        byStep.put(run.step, run);
        current = run;
        byId.values().removeIf(r -> r != run && r != previous);
        byStep.values().removeIf(r -> r != run && r != previous);
    }

    Run byId(String runId) {
        return byId.get(runId);
    }

    Run byStep(int step) {
        return byStep.get(step);
    }
}
