package io.loomtunnel.p2p;

import io.loomtunnel.internal.path.PathRace;
import io.loomtunnel.internal.signal.Offer;
import io.loomtunnel.tls.PeerId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A share's sessions, pending (answered, path being looked for) and running, by session id, within
 * the share's session limit.
 *
 * <p>Locking: {@code lock} guards {@code slots} and {@code closed}'s change; the count check and the
 * insert of a new session are one step under it, and {@code empty} is signalled when the last one
 * goes. Nothing blocks under it (but {@link #awaitEmpty}'s wait, which releases it) and no other
 * lock is taken under it. {@code closed} and a slot's {@code running} are volatile, read without it.
 */
final class ShareSlots {
    /** One session, from its answer until it ends. */
    static final class Slot {
        final Offer offer;
        final PeerId peer;
        final SharedService service;
        final PathRace race;
        volatile PeerSession running;

        Slot(Offer offer, SharedService service, PathRace race) {
            this.offer = offer;
            this.peer = offer.sender();
            this.service = service;
            this.race = race;
        }
    }

    private final int maxSessions;
    private final Map<String, Slot> slots = new HashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition empty = lock.newCondition();
    private volatile boolean closed;

    ShareSlots(int maxSessions) {
        this.maxSessions = maxSessions;
    }

    /** Takes a slot for the offer's session, unless the share is closing or full. */
    Slot admit(Offer offer, SharedService service, PathRace race) throws PeerRefusedException {
        lock.lock();
        try {
            if (closed) {
                throw new PeerRefusedException(RefusalCode.TOO_MANY_SESSIONS, "the share is shutting down");
            }
            if (slots.size() >= maxSessions) {
                throw new PeerRefusedException(RefusalCode.TOO_MANY_SESSIONS, "too many sessions: the share has "
                        + slots.size() + ", its limit (--max-sessions " + maxSessions + ")");
            }
            Slot slot = new Slot(offer, service, race);
            slots.put(offer.session(), slot);
            return slot;
        } finally {
            lock.unlock();
        }
    }

    void release(Slot slot) {
        lock.lock();
        try {
            slots.remove(slot.offer.session(), slot);
            if (slots.isEmpty()) {
                empty.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The slot of a session id, or null. */
    Slot get(String session) {
        lock.lock();
        try {
            return session == null ? null : slots.get(session);
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code peer} has a session still waiting for its path. */
    boolean hasPending(PeerId peer) {
        lock.lock();
        try {
            for (Slot s : slots.values()) {
                if (s.peer.equals(peer) && s.running == null) {
                    return true;
                }
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    int count() {
        lock.lock();
        try {
            return slots.size();
        } finally {
            lock.unlock();
        }
    }

    List<PeerSession> running() {
        List<PeerSession> out = new ArrayList<>();
        lock.lock();
        try {
            slots.values().forEach(s -> {
                if (s.running != null) {
                    out.add(s.running);
                }
            });
        } finally {
            lock.unlock();
        }
        return out;
    }

    /** Waits until no session is pending or running; true if so within {@code timeout}. */
    boolean awaitEmpty(Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (!slots.isEmpty()) {
                if (left <= 0) {
                    return false;
                }
                left = empty.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** Admits no more; returns the slots there are, or null when already closed. */
    List<Slot> close() {
        lock.lock();
        try {
            if (closed) {
                return null;
            }
            closed = true;
            return new ArrayList<>(slots.values());
        } finally {
            lock.unlock();
        }
    }
}
