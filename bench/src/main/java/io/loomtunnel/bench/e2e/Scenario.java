package io.loomtunnel.bench.e2e;

import java.util.List;
import java.util.Map;

/**
 * One end-to-end measurement: {@link #load} runs inside a {@link LoadGenerator} process against one
 * target's port and returns named figures; the orchestrator runs it once per target. Adding a
 * scenario is one class plus an entry in {@link #ALL}.
 */
interface Scenario {
    List<Scenario> ALL = List.of(new LatencyScenario(), new ThroughputScenario(), new ConnectionsScenario());

    /** The name used on the command line ({@code --scenario}) and in the results. */
    String name();

    /** One line saying what runs, e.g. how many round trips; {@code quick} for --quick. */
    String describe(boolean quick);

    /** Drives traffic to 127.0.0.1:{@code port}, bounded in count and time; figures are named with their unit. */
    Map<String, Double> load(int port, boolean quick) throws Exception;

    /** Whether figures ending in "µs" are also shown as the overhead over raw TCP (latencies). */
    default boolean addedOverRaw() {
        return false;
    }

    static Scenario named(String name) {
        return ALL.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no scenario '" + name + "'; there are "
                        + ALL.stream().map(Scenario::name).toList()));
    }
}
