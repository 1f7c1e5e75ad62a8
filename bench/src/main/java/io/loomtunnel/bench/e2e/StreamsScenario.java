package io.loomtunnel.bench.e2e;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Many concurrent connections through one tunnel (10,000 in a full run), ramped up at a steady rate,
 * each then exchanging 64 B once a second: errors, round-trip percentiles under that load, and the
 * relay's memory with every connection still open. Every relay is fresh, so memory is this load's.
 */
final class StreamsScenario implements LoadScenario {
    static final int FULL_CONNECTIONS = 10_000;
    private static final Duration INTERVAL = Duration.ofSeconds(1);

    @Override
    public String name() {
        return "streams";
    }

    @Override
    public String describe(boolean quick) {
        return String.format("%,d connections opened at %,d/s, then 64 B round trips once a second on each for %d s;"
                        + " memory of fresh relays with all open%s", connections(quick), perSecond(quick),
                hold(quick).toSeconds(), quick ? " (--quick: full run holds 10,000 for 30 s)" : "");
    }

    private static int connections(boolean quick) {
        return quick ? 300 : FULL_CONNECTIONS;
    }

    private static int perSecond(boolean quick) {
        return quick ? 500 : 1_000;
    }

    private static Duration hold(boolean quick) {
        return Duration.ofSeconds(quick ? 2 : 30);
    }

    @Override
    public void run(Run run) throws Exception {
        try (Peers fresh = run.freshPeers(Service.ECHO)) {
            run.loadEach(this, run.start(fresh));
        }
    }

    @Override
    public Map<String, Double> load(int port, boolean quick, Map<String, Long> processes) throws Exception {
        Map<String, Double> figures = new LinkedHashMap<>();
        long[] lossBefore = Machine.tcpLossCounters();
        Map<String, Double> cpuBefore = CpuTime.of(processes);
        try (Fleet fleet = new Fleet(port)) {
            long start = System.nanoTime();
            figures.put("connections", (double) fleet.open(connections(quick), perSecond(quick)));
            figures.put("ramp s", (System.nanoTime() - start) / 1e9);
            Recorder recorder = new Recorder(3);
            fleet.converse(hold(quick), INTERVAL, recorder);
            figures.put("errors", (double) fleet.errors());
            if (fleet.errors() > 0) {
                System.out.println("errors by kind: " + fleet.errorKinds());
            }
            figures.put("open at the end", (double) fleet.size());
            Histogram h = recorder.getIntervalHistogram();
            figures.put("round trips", (double) h.getTotalCount());
            LatencyScenario.percentiles(figures, "", h);
            long[] lossAfter = Machine.tcpLossCounters();
            figures.put("machine TCP retransmits", (double) (lossAfter[0] - lossBefore[0]));
            figures.put("machine backlog drops", (double) (lossAfter[1] - lossBefore[1]));
            figures.putAll(CpuTime.used(cpuBefore, CpuTime.of(processes))); // ramp and conversation
            figures.putAll(Footprint.of(processes, false)); // under load: every connection still open
        }
        return figures;
    }
}
