package io.loomtunnel.bench.e2e;

import java.util.Map;

/**
 * A scenario whose traffic comes from one {@link LoadGenerator} process per target: {@link #load}
 * runs there, against the target's port in front of {@link #service}, and returns named figures.
 */
interface LoadScenario extends Scenario {
    /** The service the load talks to; targets that cannot relay it are not measured. */
    default Service service() {
        return Service.ECHO;
    }

    /**
     * Drives traffic to 127.0.0.1:{@code port}, bounded in count and time; figures are named with their
     * unit. {@code processes} are the target's processes by role, for scenarios that read their memory.
     */
    Map<String, Double> load(int port, boolean quick, Map<String, Long> processes) throws Exception;

    /** Whether figures ending in "µs" are also shown as the overhead over raw TCP (latencies). */
    default boolean addedOverRaw() {
        return false;
    }

    /** By default every target of the run's shared relays, one after the other. */
    @Override
    default void run(Run run) throws Exception {
        run.loadEach(this, run.sharedTargets());
    }
}
