package io.loomtunnel.internal.admin;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * The admin endpoint's log of refused requests, at most one line per {@code interval}: the first
 * refusal of a quiet spell gets a line of its own, the rest of that interval are counted by
 * reason and said in one summary line with the next refusal after it, or at close. A flood of
 * wrong tokens thus costs a line a minute, not a line a request. No thread: lines are written by
 * the request that ends an interval.
 *
 * <p>Locking: {@code this} guards the counts; a leaf. Lines go to the sink outside the lock.
 */
final class RefusalLog {
    private final long interval;
    private final Consumer<String> sink;
    private final LongSupplier nanoTime;
    private final Map<String, Integer> counts = new TreeMap<>();
    private long quietFrom;
    private boolean started;
    private int suppressed;
    private String lastSource;

    RefusalLog(Duration interval, Consumer<String> sink, LongSupplier nanoTime) {
        this.interval = interval.toNanos();
        this.sink = sink;
        this.nanoTime = nanoTime;
    }

    /** A request from {@code source} (an address) was refused for {@code reason} (a few words). */
    void refused(String source, String reason) {
        String line;
        synchronized (this) {
            long now = nanoTime.getAsLong();
            if (started && now - quietFrom < 0) {
                suppressed++;
                counts.merge(reason, 1, Integer::sum);
                lastSource = source;
                return;
            }
            line = "admin endpoint refused a request from " + source + ": " + reason + summary();
            started = true;
            quietFrom = now + interval;
        }
        sink.accept(line);
    }

    /** Writes the summary of the last interval, if any refusal is still unsaid. */
    void flush() {
        String line;
        synchronized (this) {
            line = suppressed == 0 ? null : "admin endpoint: " + summary().substring(2);
        }
        if (line != null) {
            sink.accept(line);
        }
    }

    /** "; N more refused since the line before (reason: n, …), the last from SOURCE", and resets the counts; "" without any. */
    private String summary() {
        if (suppressed == 0) {
            return "";
        }
        String s = "; " + suppressed + " more refused since the line before "
                + counts.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
                        .collect(Collectors.joining(", ", "(", ")")) + ", the last from " + lastSource;
        suppressed = 0;
        counts.clear();
        return s;
    }
}
