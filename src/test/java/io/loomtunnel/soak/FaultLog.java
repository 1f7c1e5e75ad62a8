package io.loomtunnel.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Every fault injected, with the window it disturbed: from the moment it was injected until the
 * parts it hit were seen working again, plus {@link #GRACE_MS}. A flow asks whether a stream that
 * ended early, or a datagram that never came back, is excused by a fault on its path.
 *
 * <p>Locking: {@code this} guards {@code faults} and each fault's end.
 */
final class FaultLog {
    /** After a fault's parts work again, what was in flight may still end for a moment. */
    static final long GRACE_MS = 3_000;

    /** One injected fault. {@code mayEndStreams}: whether TCP streams on its path may die (a kill) or must survive (link loss). */
    static final class Fault {
        final int number;
        final String kind;
        final Set<Part> hits;
        final boolean mayEndStreams;
        final long start;
        private long end = -1; // guarded by the log; -1 while open
        private String note = "";

        Fault(int number, String kind, Set<Part> hits, boolean mayEndStreams, long start) {
            this.number = number;
            this.kind = kind;
            this.hits = Set.copyOf(hits);
            this.mayEndStreams = mayEndStreams;
            this.start = start;
        }
    }

    /** What a report keeps of a fault. */
    record Entry(int number, String kind, List<String> hits, long startMs, long endMs, String note) {}

    private final Clock clock;
    private final List<Fault> faults = new ArrayList<>();

    FaultLog(Clock clock) {
        this.clock = clock;
    }

    /** Opens a fault's window now. */
    synchronized Fault open(String kind, Set<Part> hits, boolean mayEndStreams) {
        Fault f = new Fault(faults.size() + 1, kind, hits, mayEndStreams, clock.now());
        faults.add(f);
        return f;
    }

    /** Closes its window: its parts work again. {@code note} says how it went (e.g. the recovery time). */
    synchronized void close(Fault f, String note) {
        f.end = clock.now();
        f.note = note;
    }

    /**
     * Whether something on {@code path} that ran from {@code from} to {@code to} (ms) may have been
     * disturbed by a fault: one that hit a part of the path, began before {@code to} and had not
     * ended (plus grace) before {@code from}. With {@code stream}, only faults that may end streams count.
     */
    synchronized boolean excuses(Set<Part> path, long from, long to, boolean stream) {
        for (Fault f : faults) {
            if ((!stream || f.mayEndStreams) && f.start <= to && (f.end < 0 || f.end + GRACE_MS >= from)
                    && f.hits.stream().anyMatch(path::contains)) {
                return true;
            }
        }
        return false;
    }

    synchronized int count() {
        return faults.size();
    }

    synchronized List<Entry> entries() {
        return faults.stream().map(f -> new Entry(f.number, f.kind, f.hits.stream().map(Part::name).sorted().toList(),
                f.start, f.end, f.note)).toList();
    }
}
