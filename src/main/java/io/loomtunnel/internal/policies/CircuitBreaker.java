package io.loomtunnel.internal.policies;

import java.util.function.LongSupplier;

/**
 * Stops sending requests to a local service that keeps failing. Closed: requests pass and their
 * outcomes count; after {@code failures} failures in a row, or a failure rate of at least
 * {@code failureRate} over the last {@code window} outcomes (once that many were seen), it opens.
 * Open: every request is refused (503 with Retry-After) for {@code openNanos}. Then half-open:
 * one probe request passes, the others are refused; its success closes the breaker, its failure
 * opens it again.
 *
 * <p>Locking: {@code this}, a leaf, held for a state change only.
 */
public final class CircuitBreaker {
    /** Where the breaker is. */
    public enum State { CLOSED, OPEN, HALF_OPEN }

    private final int failures;
    private final double failureRate;
    private final boolean[] outcomes;
    private final long openNanos;
    private final LongSupplier nanoClock;
    private State state = State.CLOSED;
    private int inARow;
    private int seen;
    private int failed;
    private int next;
    private long openedAt;
    private boolean probing;
    private long probeAt;

    /**
     * @param failures consecutive failures that open it, at least 1
     * @param failureRate failed share of the window that opens it, in (0, 1]; 1 with a window of 0 to turn it off
     * @param window outcomes the rate is taken over, 0 for none
     * @param openNanos how long it stays open before a probe
     */
    public CircuitBreaker(int failures, double failureRate, int window, long openNanos, LongSupplier nanoClock) {
        if (failures < 1 || !(failureRate > 0 && failureRate <= 1) || window < 0 || openNanos <= 0) {
            throw new IllegalArgumentException("bad circuit breaker settings");
        }
        this.failures = failures;
        this.failureRate = failureRate;
        this.outcomes = new boolean[window];
        this.openNanos = openNanos;
        this.nanoClock = nanoClock;
    }

    /**
     * Asks to send one request. When it may pass, its outcome must be given to {@link #record}.
     *
     * @return 0 when it may pass, else the seconds until a probe will be let through (at least 1)
     */
    public synchronized long tryPass() {
        if (state == State.OPEN) {
            long left = openedAt + openNanos - nanoClock.getAsLong();
            if (left > 0) {
                return Math.max(1, (left + 999_999_999L) / 1_000_000_000L);
            }
            state = State.HALF_OPEN;
            probing = false;
        }
        if (state == State.HALF_OPEN) {
            long now = nanoClock.getAsLong();
            if (probing && now - probeAt < openNanos) {
                return Math.max(1, (probeAt + openNanos - now + 999_999_999L) / 1_000_000_000L);
            }
            probing = true; // the first probe, or another when the last one never told its outcome
            probeAt = now;
        }
        return 0;
    }

    /** The outcome of a request {@link #tryPass} let through: whether the service answered well. */
    public synchronized void record(boolean success) {
        if (state == State.HALF_OPEN) {
            if (success) {
                close();
            } else {
                open();
            }
            return;
        }
        if (state == State.OPEN) {
            return; // a request let through before it opened; the breaker already knows
        }
        inARow = success ? 0 : inARow + 1;
        if (outcomes.length > 0) {
            if (seen == outcomes.length && !outcomes[next]) {
                failed--;
            }
            outcomes[next] = success;
            if (!success) {
                failed++;
            }
            next = (next + 1) % outcomes.length;
            seen = Math.min(seen + 1, outcomes.length);
        }
        if (inARow >= failures || (seen == outcomes.length && seen > 0 && failed >= failureRate * seen)) {
            open();
        }
    }

    /** Where the breaker is now (an open breaker whose time is up reads half-open). */
    public synchronized State state() {
        return state == State.OPEN && nanoClock.getAsLong() - openedAt >= openNanos ? State.HALF_OPEN : state;
    }

    private void open() {
        state = State.OPEN;
        openedAt = nanoClock.getAsLong();
        probing = false;
    }

    private void close() {
        state = State.CLOSED;
        inARow = 0;
        seen = 0;
        failed = 0;
        next = 0;
        probing = false;
    }
}
