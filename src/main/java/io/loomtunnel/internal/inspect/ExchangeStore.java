package io.loomtunnel.internal.inspect;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The latest exchanges, bounded in count and in bytes (heads plus captured bodies): a new one,
 * or a body growing past the byte bound, drops the oldest. A dropped exchange still open is
 * forgotten here; its tap may finish it, unseen.
 *
 * <p>Locking: {@code lock} guards everything here and each exchange's {@code weight}; it is held
 * for list operations only, never with an exchange's monitor.
 */
final class ExchangeStore {
    private final int maxExchanges;
    private final long maxBytes;
    private final ReentrantLock lock = new ReentrantLock();
    /** Oldest first. */
    private final ArrayDeque<Exchange> exchanges = new ArrayDeque<>();
    private final Map<String, Exchange> byId = new HashMap<>();
    private long bytes;

    ExchangeStore(int maxExchanges, long maxBytes) {
        if (maxExchanges < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("the inspector keeps at least one exchange and one byte");
        }
        this.maxExchanges = maxExchanges;
        this.maxBytes = maxBytes;
    }

    /** Adds {@code e}, weighing {@code headBytes}, dropping the oldest as the bounds ask. */
    void add(Exchange e, long headBytes) {
        lock.lock();
        try {
            exchanges.addLast(e);
            byId.put(e.id, e);
            e.weight = headBytes;
            bytes += headBytes;
            while (exchanges.size() > maxExchanges) {
                drop(exchanges.peekFirst());
            }
            trim();
        } finally {
            lock.unlock();
        }
    }

    /** {@code e} grew by {@code n} captured bytes (nothing if it was dropped already). */
    void grew(Exchange e, long n) {
        lock.lock();
        try {
            if (byId.get(e.id) == e) {
                e.weight += n;
                bytes += n;
                trim();
            }
        } finally {
            lock.unlock();
        }
    }

    private void trim() {
        while (bytes > maxBytes && !exchanges.isEmpty()) {
            drop(exchanges.peekFirst());
        }
    }

    private void drop(Exchange e) {
        exchanges.remove(e);
        byId.remove(e.id);
        bytes -= e.weight;
    }

    Exchange get(String id) {
        lock.lock();
        try {
            return byId.get(id);
        } finally {
            lock.unlock();
        }
    }

    List<Exchange> newestFirst() {
        lock.lock();
        try {
            List<Exchange> out = new ArrayList<>(exchanges.size());
            for (Iterator<Exchange> i = exchanges.descendingIterator(); i.hasNext(); ) {
                out.add(i.next());
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** Forgets every exchange; returns how many there were. */
    int clear() {
        lock.lock();
        try {
            int n = exchanges.size();
            exchanges.clear();
            byId.clear();
            bytes = 0;
            return n;
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return exchanges.size();
        } finally {
            lock.unlock();
        }
    }

    long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }
}
