package io.loomtunnel.bench.e2e;

import java.util.List;

/**
 * One end-to-end measurement, run by the orchestrator against the targets it applies to; most are a
 * {@link LoadScenario}. Adding a scenario is one class plus an entry in {@link #ALL}.
 */
interface Scenario {
    List<Scenario> ALL = List.of(new LatencyScenario(), new ThroughputScenario(), new ConnectionsScenario(),
            new StreamsScenario(), new MemoryScenario(), new HttpScenario(), new UdpScenario(), new StartupScenario());

    /** The name used on the command line ({@code --scenario}) and in the results. */
    String name();

    /** One line saying what runs, e.g. how many round trips; {@code quick} for --quick. */
    String describe(boolean quick);

    /** Measures every target this scenario applies to; figures, and failures that stop a target, go to the run's results. */
    void run(Run run) throws Exception;

    static Scenario named(String name) {
        return ALL.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no scenario '" + name + "'; there are "
                        + ALL.stream().map(Scenario::name).toList()));
    }
}
