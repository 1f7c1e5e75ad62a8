package io.loomtunnel.internal.signal;

import io.loomtunnel.internal.signal.SignalException.Problem;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Remembers the session ids of blocks already used, each until its block expires (after which an
 * expiry check refuses it anyway), so a block cannot be used twice. Bounded: when full of ids
 * that have not expired, new blocks are refused rather than old ids forgotten.
 *
 * <p>Locking: {@code this} guards both collections.
 */
public final class ReplayGuard {
    private final int capacity;
    private final Map<String, Instant> seen = new HashMap<>();
    private final PriorityQueue<Map.Entry<String, Instant>> byExpiry =
            new PriorityQueue<>(Map.Entry.comparingByValue());

    public ReplayGuard(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
    }

    /** Records {@code sessionId} until {@code expires}; throws if it was seen before or there is no room. */
    public synchronized void firstUse(String sessionId, Instant expires, Instant now) throws SignalException {
        while (!byExpiry.isEmpty() && !byExpiry.peek().getValue().isAfter(now)) {
            seen.remove(byExpiry.poll().getKey());
        }
        if (seen.containsKey(sessionId)) {
            throw new SignalException(Problem.REPLAYED, "session " + sessionId + " was used before: a block may be used once");
        }
        if (seen.size() >= capacity) {
            throw new SignalException(Problem.OVERLOADED, capacity + " recent offers are still remembered; try again when some expire");
        }
        seen.put(sessionId, expires);
        byExpiry.add(Map.entry(sessionId, expires));
    }

    /** Ids remembered now (expired ones leave at the next {@link #firstUse}). */
    public synchronized int size() {
        return seen.size();
    }
}
