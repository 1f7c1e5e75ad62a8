package io.loomtunnel.internal.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * An exact count that only grows (bytes, datagrams, streams), cheap to add to from many threads
 * at once: a {@link LongAdder}, added to once per copied buffer, never per byte. What a tally
 * adds also goes to its parent, so one tunnel's count feeds the total of its name and that the
 * total of the whole server or client.
 */
public final class Tally {
    private final LongAdder sum = new LongAdder();
    private final Tally parent;

    public Tally() {
        this(null);
    }

    private Tally(Tally parent) {
        this.parent = parent;
    }

    /** A new tally whose additions also count here. */
    public Tally child() {
        return new Tally(this);
    }

    public void add(long n) {
        sum.add(n);
        if (parent != null) {
            parent.add(n);
        }
    }

    public void increment() {
        add(1);
    }

    /** The count so far; exact once the threads adding to it have finished. */
    public long get() {
        return sum.sum();
    }
}
