package io.loomtunnel.mux;

import java.io.IOException;
import java.util.ArrayDeque;

/**
 * A bounded queue from the session reader to the application (accepted streams, datagrams,
 * control messages). The reader offers without ever blocking; takers wait with a timeout, and
 * closing the inbox wakes them all.
 *
 * <p>Locking: {@code lock} guards {@code items}.
 */
final class Inbox<T> extends Handoff {
    private final ArrayDeque<T> items = new ArrayDeque<>();
    private final int capacity;
    private final String what;

    Inbox(int capacity, String what) {
        this.capacity = capacity;
        this.what = what;
    }

    /** Adds an item; false if the inbox is full or closed. */
    boolean offer(T item) {
        lock.lock();
        try {
            if (failure != null || items.size() >= capacity) {
                return false;
            }
            items.addLast(item);
            changed.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the oldest item, waiting up to {@code timeoutNanos} (0 = for ever). Items queued
     * before a close are still handed out; after that, takers get the close reason.
     */
    T take(long timeoutNanos) throws IOException {
        lock.lock();
        try {
            long nanos = timeoutNanos;
            while (items.isEmpty()) {
                if (failure != null) {
                    throw failure;
                }
                nanos = Waits.await(changed, timeoutNanos, nanos, "waiting for " + what);
            }
            return items.pollFirst();
        } finally {
            lock.unlock();
        }
    }
}
