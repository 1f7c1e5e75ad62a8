package io.loomtunnel.bench.e2e;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Bulk data over 1 and 10 parallel connections, up (to the sink) then down (from the source), in MB/s. */
final class ThroughputScenario implements LoadScenario {
    private static final int[] STREAMS = {1, 10};
    private static final long MIB = 1 << 20;
    /** Most unmeasured rounds (a quarter of the measured amount each way, one stream) of a full run's warm-up. */
    private static final int WARM_UP_ROUNDS = 8;
    /** One direction at one stream count; beyond it the run fails rather than hangs. */
    private static final long TIME_LIMIT_SECONDS = 300;

    @Override
    public String name() {
        return "throughput";
    }

    @Override
    public String describe(boolean quick) {
        return String.format("%,d MiB each way over 1 stream, then over 10 streams, 64 KiB writes, after %s%s",
                total(quick) / MIB, quick ? String.format("%,d MiB each way unmeasured", total(quick) / 4 / MIB)
                        : WarmUp.describe(String.format("rounds of %,d MiB each way", total(quick) / 4 / MIB), WARM_UP_ROUNDS),
                quick ? " (--quick: full run moves 1 GiB)" : "");
    }

    private static long total(boolean quick) {
        return (quick ? 128 : 1024) * MIB;
    }

    @Override
    public Map<String, Double> load(int port, boolean quick, Map<String, Long> processes) throws Exception {
        // Warm every process on the path (JIT) first, or the first direction measured pays for it.
        int rounds = WarmUp.untilSteady(quick ? 1 : WARM_UP_ROUNDS, () -> megabytesPerSecond(port, 1, total(quick) / 4, true)
                + megabytesPerSecond(port, 1, total(quick) / 4, false));
        Map<String, Double> figures = new LinkedHashMap<>();
        Map<String, Double> cpuBefore = CpuTime.of(processes);
        for (int streams : STREAMS) {
            String label = streams + (streams == 1 ? " stream " : " streams ");
            figures.put(label + "up MB/s", megabytesPerSecond(port, streams, total(quick), true));
            figures.put(label + "down MB/s", megabytesPerSecond(port, streams, total(quick), false));
        }
        // CPU per MB relayed, every process of the target together: what a busy machine changes least.
        double cpu = CpuTime.used(cpuBefore, CpuTime.of(processes)).values().stream().mapToDouble(d -> d).sum();
        if (!processes.isEmpty()) {
            figures.put("relay CPU ms per MB", cpu * 1e3 / (STREAMS.length * 2 * total(quick) / 1e6));
        }
        figures.put("warm-up rounds", (double) rounds);
        return figures;
    }

    private static double megabytesPerSecond(int port, int streams, long total, boolean up) throws Exception {
        long share = total / streams;
        ExecutorService pool = Executors.newFixedThreadPool(streams);
        try {
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                done.add(pool.submit(() -> {
                    transfer(port, share, up);
                    return null;
                }));
            }
            long deadline = start + TimeUnit.SECONDS.toNanos(TIME_LIMIT_SECONDS);
            for (Future<?> f : done) {
                f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            return share * streams / 1e6 / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Up: send and wait for the sink's one-byte answer; down: read everything the source sends. */
    private static void transfer(int port, long length, boolean up) throws Exception {
        try (Socket s = Echo.connect(port)) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            byte[] buffer = new byte[Echo.CHUNK];
            Echo.header(out, up ? Echo.SINK : Echo.SOURCE, length);
            if (up) {
                Echo.send(out, buffer, length);
                Echo.receive(in, buffer, 1);
            } else {
                Echo.receive(in, buffer, length);
            }
        }
    }
}
