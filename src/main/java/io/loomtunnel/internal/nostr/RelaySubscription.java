package io.loomtunnel.internal.nostr;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * <p>Locking: {@code this} guards the queue, the remembered ids, the relays that sent EOSE and
 * the counts; a leaf lock (waiting callers wait on it; close wakes them).
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
     * subscription is closed.
     */
    public synchronized NostrEvent next(Duration timeout) throws InterruptedException {
        MonitorWait.until(this, timeout, () -> !queue.isEmpty() || ended);
        return queue.poll();
    }

    /**
     * Waits until a relay has sent all its stored events for this subscription (EOSE); from then
     * on that relay sends new events as they come. False at the timeout.
     */
    public synchronized boolean awaitStoredEvents(Duration timeout) throws InterruptedException {
        MonitorWait.until(this, timeout, () -> !storedEventsSent.isEmpty() || ended);
        return !storedEventsSent.isEmpty();
    }

    /** Relays that ended or refused this subscription (CLOSED), with their reason; asked again when they reconnect. */
    public synchronized Map<URI, String> closedBy() {
        return Map.copyOf(closedBy);
    }

    public synchronized Counts counts() {
        return new Counts(forged, unrequested, duplicates, overflowed);
    }

    /** Closes it on every relay; events still queued can no longer be taken. */
    @Override
    public void close() {
        synchronized (this) {
            queue.clear();
        }
        ended();
        onClose.accept(this);
    }

    /** An EVENT for this subscription from {@code relay}, on that relay's callback thread. */
    void deliver(URI relay, NostrEvent event) {
        synchronized (this) {
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
        }
        boolean genuine = event.verify(); // outside the lock: the most expensive step
        synchronized (this) {
            if (!genuine) {
                if (forged++ == 0) {
                    LOG.log(System.Logger.Level.WARNING, "relay {0} sent an event whose id or signature does not verify (dropped; later ones are counted)", relay);
                }
                return;
            }
            if (delivered.putIfAbsent(event.id(), Boolean.TRUE) != null) {
                duplicates++; // another relay's copy was verified meanwhile
                return;
            }
            if (queue.size() < capacity) {
                queue.add(event);
                notifyAll();
            } else {
                overflowed++;
            }
        }
    }

    synchronized void storedEventsSent(URI relay) {
        storedEventsSent.add(relay);
        closedBy.remove(relay);
        notifyAll();
    }

    synchronized void closedByRelay(URI relay, String message) {
        closedBy.put(relay, message);
        LOG.log(System.Logger.Level.INFO, "relay {0} closed a subscription: {1}", relay, Problems.quote(message));
    }

    /** The relay's connection ended: its EOSE no longer says anything about the next connection. */
    synchronized void relayLost(URI relay) {
        storedEventsSent.remove(relay);
    }

    synchronized void ended() {
        ended = true;
        notifyAll();
    }

    @Override
    public String toString() {
        return "subscription " + id;
    }
}
