package io.loomtunnel.mux;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded queue from the session reader to the application (accepted streams, datagrams,
 * control messages). The reader offers without ever blocking; takers wait with a timeout, and
 * closing the inbox wakes them all.
 *
 * <p>Locking: {@code lock} guards every field.
 */
final class Inbox<T> {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final ArrayDeque<T> items = new ArrayDeque<>();
    private final int capacity;
    private final String what;
    private IOException closed;

    Inbox(int capacity, String what) {
        this.capacity = capacity;
        this.what = what;
    }

    /** Adds an item; false if the inbox is full or closed. */
    boolean offer(T item) {
        lock.lock();
        try {
            if (closed != null || items.size() >= capacity) {
                return false;
            }
            items.addLast(item);
            notEmpty.signal();
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
                if (closed != null) {
                    throw closed;
                }
                nanos = Waits.await(notEmpty, timeoutNanos, nanos, "waiting for " + what);
            }
            return items.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    void close(IOException reason) {
        lock.lock();
        try {
            if (closed == null) {
                closed = reason;
            }
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
