package io.loomtunnel.internal.limits;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A log of what strangers had refused, at most one line per {@code interval}: the first refusal
 * of a quiet spell gets a line of its own, the rest of that interval are counted by reason and
 * said in one summary line with the next refusal after it, or at {@link #flush}. A flood of wrong
 * tokens or malformed requests thus costs a line per interval, not a line a request. No thread:
 * lines are written by the refusal that ends an interval. Used by the admin endpoint and the HTTP
 * ingress, each naming itself ({@code what}). ({@link SourceRefusalLog} is the one that tells
 * sources apart.)
 *
 * <p>Reasons are a few fixed words (a status and what it means), since they are counted ({@link
 * ReasonCounts}: at most {@value ReasonCounts#MAX_REASONS} told apart per interval, the rest as
 * "other"). A refusal's detail (an exception's message) is written on its own line only, never
 * counted.
 *
 * <p>Locking: {@code this} guards the counts; a leaf. Lines go to the sink outside the lock.
 */
public final class RefusalLog {
    private final String what;
    private final long interval;
    private final Consumer<String> sink;
    private final LongSupplier nanoTime;
    /** The refusals since the last line, not said yet. */
    private ReasonCounts suppressed = new ReasonCounts();
    private long quietFrom;
    private boolean started;
    private String lastSource;

    /**
     * @param what     who refuses, starting each line ("admin endpoint", "http ingress")
     * @param interval at most one line per this, besides the summary at {@link #flush}
     * @param sink     where lines go (a logger)
     * @param nanoTime the clock, {@code System::nanoTime} but in tests
     */
    public RefusalLog(String what, Duration interval, Consumer<String> sink, LongSupplier nanoTime) {
        this.what = what;
        this.interval = interval.toNanos();
        this.sink = sink;
        this.nanoTime = nanoTime;
    }

    /** {@code source} (an address) was refused for {@code reason} (a few fixed words). */
    public void refused(String source, String reason) {
        refused(source, reason, null);
    }

    /** As {@link #refused(String, String)}, with a detail for the line if this refusal gets one (null: none). */
    public void refused(String source, String reason, String detail) {
        String line;
        synchronized (this) {
            long now = nanoTime.getAsLong();
            if (started && now - quietFrom < 0) {
                suppressed.add(reason);
                lastSource = source;
                return;
            }
            line = what + " refused " + source + ": " + reason + (detail == null ? "" : " (" + detail + ")") + summary();
            started = true;
            quietFrom = now + interval;
        }
        sink.accept(line);
    }

    /** Writes the summary of the last interval, if any refusal is still unsaid. */
    public void flush() {
        String line;
        synchronized (this) {
            line = suppressed.total() == 0 ? null : what + ": " + summary().substring(2);
        }
        if (line != null) {
            sink.accept(line);
        }
    }

    /** "; N more refused since the line before (reason: n, …), the last from SOURCE", and resets the counts; "" without any. */
    private String summary() {
        if (suppressed.total() == 0) {
            return "";
        }
        String s = "; " + ReasonCounts.number(suppressed.total()) + " more refused since the line before " + suppressed
                + ", the last from " + lastSource;
        suppressed = new ReasonCounts();
        return s;
    }
}
