package io.loomtunnel.observe;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The most recent log lines of a server or client, for the console's {@code logs} and
 * {@code /api/logs}: a ring of fixed size, the oldest line dropped when it is full.
 *
 * <p>Locking: {@code this} guards the ring; listeners are called outside it, on the thread that adds the line.
 */
public final class LogRing {
    /** How many lines {@link #LogRing()} keeps. */
    public static final int DEFAULT_LINES = 1_000;

    private final int capacity;
    private final ArrayDeque<String> lines;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    /**
     * A ring of the last {@code capacity} lines.
     *
     * @param capacity at least 1
     */
    public LogRing(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a log ring holds at least one line");
        }
        this.capacity = capacity;
        this.lines = new ArrayDeque<>(capacity);
    }

    /** A ring of the last {@value #DEFAULT_LINES} lines. */
    public LogRing() {
        this(DEFAULT_LINES);
    }

    /**
     * Adds a line, stamped with the time (UTC, to the millisecond).
     *
     * @param line one line, without its end
     */
    public void add(String line) {
        String stamped = Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + line;
        synchronized (this) {
            if (lines.size() == capacity) {
                lines.removeFirst();
            }
            lines.addLast(stamped);
        }
        listeners.forEach(l -> l.accept(stamped));
    }

    /**
     * Calls {@code listener} with every line added from now on (stamped), on the adding thread; it must not block.
     *
     * @param listener what to call, e.g. the dashboard's event stream
     */
    public void addListener(Consumer<String> listener) {
        listeners.add(listener);
    }

    /**
     * Stops calling a listener added before.
     *
     * @param listener as given to {@link #addListener}
     */
    public void removeListener(Consumer<String> listener) {
        listeners.remove(listener);
    }

    /**
     * The last {@code n} lines, oldest first.
     *
     * @param n how many
     * @return at most {@code n} stamped lines
     */
    public synchronized List<String> recent(int n) {
        List<String> all = new ArrayList<>(lines);
        return List.copyOf(all.subList(Math.max(0, all.size() - Math.max(0, n)), all.size()));
    }
}
