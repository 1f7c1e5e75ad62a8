package io.loomtunnel.internal.nostr;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

/**
 * One event being published: the relays' OK answers as they come, until one accepts or all refuse.
 *
 * <p>Locking: {@code lock} guards the answers and {@code abandoned}; {@code changed} wakes the
 * publisher. A leaf lock: nothing else is locked or blocked on while holding it.
 */
final class PendingPublish {
    private final NostrEvent event;
    private final int relays;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<URI, String> refusals = new LinkedHashMap<>();
    private URI accepted;
    private boolean abandoned;

    PendingPublish(NostrEvent event, int relays) {
        this.event = event;
        this.relays = relays;
    }

    NostrEvent event() {
        return event;
    }

    /** A relay's OK: the first acceptance wins; a refusal is remembered (a later OK from the same relay replaces it). */
    void answer(URI relay, boolean ok, String message) {
        lock.lock();
        try {
            if (ok) {
                if (accepted == null) {
                    accepted = relay;
                }
            } else {
                refusals.put(relay, message);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The pool closes: a waiting publisher returns at once. */
    void abandon() {
        lock.lock();
        try {
            abandoned = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The first relay that accepted, or null when all refused, the time ran out or the pool closed. */
    URI await(Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            ConditionWait.until(changed, timeout, () -> accepted != null || refusals.size() >= relays || abandoned);
            return accepted;
        } finally {
            lock.unlock();
        }
    }

    /** What each relay did: "ws://a refused (blocked: ...); ws://b down (connection refused); ws://c no answer". */
    String summary(List<RelayStatus> status) {
        Map<URI, String> refused;
        lock.lock();
        try {
            refused = Map.copyOf(refusals);
        } finally {
            lock.unlock();
        }
        return status.stream().map(s -> {
            String refusal = refused.get(s.relay());
            if (refusal != null) {
                return s.relay() + " refused (" + Problems.quote(refusal) + ")";
            }
            if (s.state() == RelayStatus.State.DOWN) {
                return s.relay() + " down (" + s.problem() + ")";
            }
            return s.relay() + (s.state() == RelayStatus.State.CONNECTED ? " no answer" : " not connected");
        }).collect(Collectors.joining("; "));
    }
}
