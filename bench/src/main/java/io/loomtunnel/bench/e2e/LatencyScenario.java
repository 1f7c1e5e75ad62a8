package io.loomtunnel.bench.e2e;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/** Request/response round trips of 64 B and 1 KiB on one connection, percentiles from HdrHistogram. */
final class LatencyScenario implements LoadScenario {
    private static final int[] SIZES = {64, 1024};
    /** Per size, so a slow target still finishes; the figures say how many round trips were measured. */
    private static final long TIME_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(120);

    @Override
    public String name() {
        return "latency";
    }

    @Override
    public String describe(boolean quick) {
        return String.format("%,d round trips per size (64 B, 1 KiB) on one connection after %,d warm-up%s",
                measured(quick), warmUp(quick), quick ? " (--quick: full run measures 100,000)" : "");
    }

    private static int measured(boolean quick) {
        return quick ? 10_000 : 100_000;
    }

    private static int warmUp(boolean quick) {
        return quick ? 2_000 : 20_000;
    }

    @Override
    public boolean addedOverRaw() {
        return true;
    }

    @Override
    public Map<String, Double> load(int port, boolean quick, Map<String, Long> processes) throws Exception {
        Map<String, Double> figures = new LinkedHashMap<>();
        try (Socket s = Echo.connect(port)) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(Echo.ECHO);
            for (int size : SIZES) {
                byte[] request = new byte[size];
                byte[] response = new byte[size];
                roundTrips(in, out, request, response, warmUp(quick), null);
                Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
                RelayCost cost = RelayCost.of(processes);
                roundTrips(in, out, request, response, measured(quick), h);
                String label = size == 1024 ? "1 KiB " : size + " B ";
                figures.put(label + "round trips", (double) h.getTotalCount());
                cost.since(processes, h.getTotalCount(), label, "round trip", figures);
                percentiles(figures, label, h);
            }
        }
        return figures;
    }

    /** "LABEL p50 µs", p90, p99, p99.9 and "LABEL max µs" from a histogram of nanoseconds. */
    static void percentiles(Map<String, Double> figures, String label, Histogram h) {
        for (double p : new double[] {50, 90, 99, 99.9}) {
            figures.put(label + "p" + (p == 99.9 ? "99.9" : String.valueOf((int) p)) + " µs", h.getValueAtPercentile(p) / 1e3);
        }
        figures.put(label + "max µs", h.getMaxValue() / 1e3);
    }

    /** Runs up to {@code count} round trips (fewer when the time limit passes), recording each when {@code h} is set. */
    private static void roundTrips(InputStream in, OutputStream out, byte[] request, byte[] response, int count,
                                   Histogram h) throws Exception {
        long deadline = System.nanoTime() + TIME_LIMIT_NANOS;
        for (int i = 0; i < count && System.nanoTime() < deadline; i++) {
            long start = System.nanoTime();
            out.write(request);
            Echo.receive(in, response, response.length);
            if (h != null) {
                h.recordValue(Math.min(System.nanoTime() - start, h.getHighestTrackableValue()));
            }
        }
    }
}
