package io.loomtunnel.internal.concurrent;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One owned thread that expires keys a fixed time after they were added, unless they were removed
 * first: what a directory needs instead of one sleeping thread per waiting request. Every key
 * waits the same time, so insertion order is deadline order and the thread only ever waits for
 * the oldest key. At most {@code capacity} keys wait; beyond that {@link #add} refuses.
 *
 * <p>Locking: {@code lock} guards {@code waiting} and {@code closed}; {@code changed} wakes the
 * thread when the oldest key or {@code closed} changes. {@code onExpiry} runs on the thread
 * outside the lock, so it may block and may call {@link #remove} or {@link #add}.
 */
public final class Deadlines<K> implements AutoCloseable {
    private final Duration after;
    private final int capacity;
    private final Consumer<K> onExpiry;
    private final OwnedThreads threads;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final LinkedHashMap<K, Long> waiting = new LinkedHashMap<>();
    private boolean closed;

    /**
     * Starts the thread, named {@code "loomtunnel <owner>: deadlines"}.
     *
     * @param after how long each key waits before {@code onExpiry} runs with it
     */
    public Deadlines(String owner, Duration after, int capacity, Consumer<K> onExpiry) {
        this.after = after;
        this.capacity = capacity;
        this.onExpiry = onExpiry;
        this.threads = new OwnedThreads(owner);
        threads.start("deadlines", this::run);
    }

    /** Expires {@code key} after the fixed time; false (and nothing changes) when full, closed or already waiting. */
    public boolean add(K key) {
        long deadline = System.nanoTime() + after.toNanos();
        lock.lock();
        try {
            if (closed || waiting.size() >= capacity || waiting.containsKey(key)) {
                return false;
            }
            waiting.put(key, deadline);
            if (waiting.size() == 1) {
                changed.signal();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Takes {@code key} back before it expires; true if it was waiting. */
    public boolean remove(K key) {
        lock.lock();
        try {
            return waiting.remove(key) != null; // the thread may wake early for it; it then waits again
        } finally {
            lock.unlock();
        }
    }

    /** Keys waiting now. */
    public int size() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        try {
            while (true) {
                K expired = nextExpired();
                if (expired == null) {
                    return;
                }
                onExpiry.accept(expired);
            }
        } catch (InterruptedException closing) {
            // close() ends the thread
        }
    }

    /** Waits for the oldest key's deadline and takes that key; null once closed. */
    private K nextExpired() throws InterruptedException {
        lock.lock();
        try {
            while (!closed) {
                Iterator<Map.Entry<K, Long>> oldest = waiting.entrySet().iterator();
                if (!oldest.hasNext()) {
                    changed.await();
                    continue;
                }
                Map.Entry<K, Long> first = oldest.next();
                long left = first.getValue() - System.nanoTime();
                if (left <= 0) {
                    oldest.remove();
                    return first.getKey();
                }
                changed.await(left, TimeUnit.NANOSECONDS);
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** Forgets every waiting key (none expires) and ends the thread, waiting for it at most {@code grace}. */
    public boolean close(Duration grace) {
        lock.lock();
        try {
            closed = true;
            waiting.clear();
            changed.signal();
        } finally {
            lock.unlock();
        }
        return threads.close(grace);
    }

    @Override
    public void close() {
        close(OwnedThreads.DEFAULT_GRACE);
    }
}
