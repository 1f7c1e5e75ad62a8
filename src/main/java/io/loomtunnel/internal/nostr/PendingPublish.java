package io.loomtunnel.internal.nostr;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * One event being published: the relays' OK answers as they come, until one accepts or all refuse.
 *
 * <p>Locking: {@code this} guards the answers; a leaf lock (nothing else is called while holding it).
 */
final class PendingPublish {
    private final NostrEvent event;
    private final int relays;
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
    synchronized void answer(URI relay, boolean ok, String message) {
        if (ok) {
            if (accepted == null) {
                accepted = relay;
            }
        } else {
            refusals.put(relay, message);
        }
        notifyAll();
    }

    /** The pool closes: a waiting publisher returns at once. */
    synchronized void abandon() {
        abandoned = true;
        notifyAll();
    }

    /** The first relay that accepted, or null when all refused, the time ran out or the pool closed. */
    synchronized URI await(Duration timeout) throws InterruptedException {
        MonitorWait.until(this, timeout, () -> accepted != null || refusals.size() >= relays || abandoned);
        return accepted;
    }

    /** What each relay did: "ws://a refused (blocked: ...); ws://b down (connection refused); ws://c no answer". */
    synchronized String summary(Supplier<List<RelayStatus>> status) {
        return status.get().stream().map(s -> {
            String refusal = refusals.get(s.relay());
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
