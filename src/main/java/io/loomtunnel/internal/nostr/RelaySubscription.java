package io.loomtunnel.internal.nostr;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One subscription on every relay of a {@link RelayPool}: the events that match its filters, each
 * once whichever relays send it, and only those whose id and signature verify. Events wait in a
 * bounded queue; when it is full, newer ones are dropped and counted.
 *
 * <p>What a relay sends is checked in this order, cheapest first: the filters (a relay may not
 * send what was not asked for), then whether the id was delivered already (only verified ids are
 * remembered, so a forgery cannot shadow the real event), then id and signature.
 *
 * <p>Locking: {@code lock} guards the queue, the remembered ids, the relays that sent EOSE, the
 * CLOSED reasons, the counts and {@code ended}; {@code changed} wakes waiting callers. A leaf lock:
 * nothing is verified, logged or locked while holding it.
 */
public final class RelaySubscription implements AutoCloseable {
    /** Event ids remembered to drop duplicates (the oldest are forgotten first). */
    static final int REMEMBERED_IDS = 1024;

    private static final System.Logger LOG = System.getLogger(RelaySubscription.class.getName());

    private final String id;
    private final List<Filter> filters;
    private final ArrayDeque<NostrEvent> queue = new ArrayDeque<>();
    private final int capacity;
    private final Consumer<RelaySubscription> onClose;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<String, Boolean> delivered = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_IDS;
        }
    };
    private final Set<URI> storedEventsSent = new HashSet<>();
    private final Map<URI, String> closedBy = new LinkedHashMap<>();
    private long forged;
    private long unrequested;
    private long duplicates;
    private long overflowed;
    private boolean ended;

    RelaySubscription(String id, List<Filter> filters, int capacity, Consumer<RelaySubscription> onClose) {
        if (filters.isEmpty() || filters.size() > ClientMessages.MAX_FILTERS) {
            throw new IllegalArgumentException("a subscription has 1 to " + ClientMessages.MAX_FILTERS + " filters");
        }
        this.id = id;
        this.filters = List.copyOf(filters);
        this.capacity = capacity;
        this.onClose = onClose;
    }

    /** What was dropped so far. */
    public record Counts(long forged, long unrequested, long duplicates, long overflowed) {}

    /** The subscription id relays know it by. */
    public String id() {
        return id;
    }

    public List<Filter> filters() {
        return filters;
    }

    /**
     * The next event, waiting up to {@code timeout}; null when none came in time or the
     * subscription is closed (which wakes a waiting caller at once).
     */
    public NostrEvent next(Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            ConditionWait.until(changed, timeout, () -> !queue.isEmpty() || ended);
            return queue.poll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until a relay has sent all its stored events for this subscription (EOSE); from then
     * on that relay sends new events as they come. False at the timeout.
     */
    public boolean awaitStoredEvents(Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            ConditionWait.until(changed, timeout, () -> !storedEventsSent.isEmpty() || ended);
            return !storedEventsSent.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** Relays that ended or refused this subscription (CLOSED), with their reason; asked again when they reconnect. */
    public Map<URI, String> closedBy() {
        lock.lock();
        try {
            return Map.copyOf(closedBy);
        } finally {
            lock.unlock();
        }
    }

    public Counts counts() {
        lock.lock();
        try {
            return new Counts(forged, unrequested, duplicates, overflowed);
        } finally {
            lock.unlock();
        }
    }

    /** Closes it on every relay; events still queued can no longer be taken. */
    @Override
    public void close() {
        lock.lock();
        try {
            queue.clear();
        } finally {
            lock.unlock();
        }
        ended();
        onClose.accept(this);
    }

    /** An EVENT for this subscription from {@code relay}, on that relay's callback thread. */
    void deliver(URI relay, NostrEvent event) {
        lock.lock();
        try {
            if (ended) {
                return;
            }
            if (filters.stream().noneMatch(f -> f.matches(event))) {
                unrequested++;
                return;
            }
            if (delivered.containsKey(event.id())) {
                duplicates++;
                return;
            }
        } finally {
            lock.unlock();
        }
        boolean genuine = event.verify(); // outside the lock: the most expensive step
        boolean firstForgery = false;
        lock.lock();
        try {
            if (!genuine) {
                firstForgery = forged++ == 0;
            } else if (delivered.putIfAbsent(event.id(), Boolean.TRUE) != null) {
                duplicates++; // another relay's copy was verified meanwhile
            } else if (queue.size() < capacity) {
                queue.add(event);
                changed.signalAll();
            } else {
                overflowed++;
            }
        } finally {
            lock.unlock();
        }
        if (firstForgery) {
            LOG.log(System.Logger.Level.WARNING, "relay {0} sent an event whose id or signature does not verify (dropped; later ones are counted)", relay);
        }
    }

    void storedEventsSent(URI relay) {
        lock.lock();
        try {
            storedEventsSent.add(relay);
            closedBy.remove(relay);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void closedByRelay(URI relay, String message) {
        lock.lock();
        try {
            closedBy.put(relay, message);
        } finally {
            lock.unlock();
        }
        LOG.log(System.Logger.Level.INFO, "relay {0} closed a subscription: {1}", relay, Problems.quote(message));
    }

    /** The relay's connection ended: its EOSE no longer says anything about the next connection. */
    void relayLost(URI relay) {
        lock.lock();
        try {
            storedEventsSent.remove(relay);
        } finally {
            lock.unlock();
        }
    }

    void ended() {
        lock.lock();
        try {
            ended = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "subscription " + id;
    }
}
