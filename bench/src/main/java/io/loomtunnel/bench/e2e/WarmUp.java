package io.loomtunnel.bench.e2e;

/**
 * Unmeasured load before a scenario measures: batches until two in a row agree within
 * {@link #STEADY} in rate, or the most allowed were run. Why not a fixed amount: a JVM relay's
 * path is compiled by C2 only after many thousands of requests or megabytes under load (the
 * compiler threads share the two cores with the load), while OpenSSH and socat are steady from
 * the first byte; a fixed warm-up measured loomtunnel half-compiled (docs/BENCHMARKS.md, "Read
 * deadlines instead of timed reads"). The first seconds of a fresh relay are the startup
 * scenario's figure.
 */
final class WarmUp {
    /** Two successive batches this close in rate: the target is warm. */
    static final double STEADY = 0.05;

    private WarmUp() {}

    /** One unmeasured batch; returns its rate (any unit, higher is faster). */
    @FunctionalInterface
    interface Batch {
        double run() throws Exception;
    }

    /** The warm-up in words, for a scenario's description: {@code what} names the batches ("batches of 8,000"). */
    static String describe(String what, int most) {
        return String.format("unmeasured %s until two in a row are within %.0f %% (at most %d)", what, STEADY * 100, most);
    }

    /** Runs batches until two in a row are within {@link #STEADY} of each other, at most {@code most}; how many ran. */
    static int untilSteady(int most, Batch batch) throws Exception {
        double before = 0;
        for (int i = 1; i <= most; i++) {
            double rate = batch.run();
            if (before > 0 && Math.abs(rate - before) <= STEADY * before) {
                return i;
            }
            before = rate;
        }
        return most;
    }
}
