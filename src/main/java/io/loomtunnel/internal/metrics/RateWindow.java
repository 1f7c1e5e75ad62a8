package io.loomtunnel.internal.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Throughput over the last seconds: a fixed ring of per-second samples of two growing totals
 * (bytes in and out). {@link #sample} is called once a second by the metrics sampler; rates are
 * the difference between the newest sample and the oldest one kept, over the seconds between.
 *
 * <p>Locking: {@code this} guards the ring; sampling and reading are both rare (once a second,
 * once per status request).
 */
public final class RateWindow {
    /** Seconds of history kept. */
    public static final int SECONDS = 10;

    private final long[] in = new long[SECONDS + 1];
    private final long[] out = new long[SECONDS + 1];
    private int newest = -1;
    private int count;

    /** Records the totals as they are now; one call per second. */
    public synchronized void sample(long totalIn, long totalOut) {
        newest = (newest + 1) % in.length;
        in[newest] = totalIn;
        out[newest] = totalOut;
        count = Math.min(count + 1, in.length);
    }

    /** Bytes per second over the seconds sampled so far (up to {@link #SECONDS}), and each second's amounts, oldest first. */
    public synchronized Rate rate() {
        if (count < 2) {
            return new Rate(0, 0, List.of());
        }
        int oldest = (newest - count + 1 + in.length) % in.length;
        int seconds = count - 1;
        List<long[]> perSecond = new ArrayList<>(seconds);
        for (int i = 0; i < seconds; i++) {
            int a = (oldest + i) % in.length;
            int b = (a + 1) % in.length;
            perSecond.add(new long[] {in[b] - in[a], out[b] - out[a]});
        }
        return new Rate((double) (in[newest] - in[oldest]) / seconds, (double) (out[newest] - out[oldest]) / seconds,
                perSecond);
    }

    /**
     * @param inPerSecond mean bytes per second in over the window
     * @param outPerSecond mean bytes per second out
     * @param perSecond each second's {in, out} bytes, oldest first
     */
    public record Rate(double inPerSecond, double outPerSecond, List<long[]> perSecond) {}
}
