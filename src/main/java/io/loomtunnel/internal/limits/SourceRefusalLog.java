package io.loomtunnel.internal.limits;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A log of refused connections that tells sources apart, for a port where one source's refusals
 * say something (the control port: which address guesses tokens): in each interval, the first
 * refusal from a source is reported in full, and the rest become one summary line per source at
 * the interval's end ("2,913 connections from 127.0.0.2 in the last 10 s (invalid_token: 10,
 * penalized: 2,903)", which a log shows after "refused: ", as every line here). At most {@link
 * #MAX_LINES} full lines and {@link #MAX_SUMMARIES} summaries per interval, and at most {@link
 * #MAX_SOURCES} sources are counted one by one; the rest are summed in one line. Its intervals
 * are ended by {@link #endInterval}, every interval on a thread its user owns and once at its
 * close. ({@link RefusalLog} is the one that does not tell sources apart, and needs no thread.)
 *
 * <p>Locking: {@code lock} guards the interval's counts, a leaf; lines are handed to {@code out}
 * after it is released, on the caller's thread.
 */
public final class SourceRefusalLog {
    static final int MAX_LINES = 20;
    static final int MAX_SUMMARIES = 20;
    static final int MAX_SOURCES = 1_000;

    private final Duration interval;
    private final Consumer<String> out;
    private final ReentrantLock lock = new ReentrantLock();
    private Map<String, Counts> bySource = new HashMap<>();
    private int linesThisInterval;
    /** Refusals from sources beyond the {@link #MAX_SOURCES} counted one by one. */
    private long uncounted;

    /**
     * @param interval each source gets one full line per this, then a summary
     * @param out      where lines go (a logger)
     */
    public SourceRefusalLog(Duration interval, Consumer<String> out) {
        this.interval = interval;
        this.out = out;
    }

    /** One source's refusals in this interval, by reason, and whether one was shown in full. */
    private static final class Counts {
        boolean shown;
        final ReasonCounts byReason = new ReasonCounts();

        long unreported() {
            return shown ? byReason.total() - 1 : byReason.total();
        }
    }

    /** A refusal from {@code source} for {@code reason}; {@code line} is reported if it is the source's first in the interval. */
    public void refused(String source, String reason, String line) {
        boolean show;
        lock.lock();
        try {
            Counts counts = bySource.get(source);
            if (counts == null) {
                if (bySource.size() >= MAX_SOURCES) {
                    uncounted++;
                    return;
                }
                counts = new Counts();
                bySource.put(source, counts);
            }
            show = counts.byReason.total() == 0 && linesThisInterval < MAX_LINES;
            counts.byReason.add(reason);
            if (show) {
                counts.shown = true;
                linesThisInterval++;
            }
        } finally {
            lock.unlock();
        }
        if (show) {
            out.accept(line);
        }
    }

    /** Ends the interval: a summary for each source with refusals not yet shown (the busiest first), and starts over. */
    public void endInterval() {
        Map<String, Counts> ended;
        long uncountedEnded;
        lock.lock();
        try {
            ended = bySource;
            uncountedEnded = uncounted;
            bySource = new HashMap<>();
            uncounted = 0;
            linesThisInterval = 0;
        } finally {
            lock.unlock();
        }
        List<Map.Entry<String, Counts>> busy = new ArrayList<>(ended.entrySet().stream()
                .filter(e -> e.getValue().unreported() > 0).toList());
        busy.sort(Comparator.comparingLong((Map.Entry<String, Counts> e) -> e.getValue().byReason.total()).reversed());
        String when = " in the last " + seconds(interval);
        int summarized = Math.min(MAX_SUMMARIES, busy.size());
        for (Map.Entry<String, Counts> e : busy.subList(0, summarized)) {
            ReasonCounts c = e.getValue().byReason;
            out.accept(ReasonCounts.number(c.total()) + " connections from " + e.getKey() + when + " " + c);
        }
        List<Map.Entry<String, Counts>> rest = busy.subList(summarized, busy.size());
        long restTotal = rest.stream().mapToLong(e -> e.getValue().byReason.total()).sum();
        if (restTotal + uncountedEnded > 0) {
            String sources = rest.isEmpty() ? "other sources"
                    : (uncountedEnded > 0 ? "at least " : "") + ReasonCounts.number(rest.size()) + " other sources";
            out.accept(ReasonCounts.number(restTotal + uncountedEnded) + " more connections from " + sources + when);
        }
    }

    private static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }
}
