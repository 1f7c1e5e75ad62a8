package io.loomtunnel.internal.http;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The deadline of one blocking call at a time (a write to a visitor, which has no timeout of its
 * own; a read whose timed wait costs too much, {@link ReadDeadline}) that the ingress's watchdog
 * enforces. The calling thread arms it with the call's deadline and disarms it after; the watchdog
 * claims a call past its deadline and then ends it (closes the socket, fails the read). Both move
 * one state by compare-and-set, so exactly one of them decides how a call that ends at its
 * deadline ends, and a claim can never land on a later call. Once claimed it stays expired: the
 * source was ended, and every later call on it fails.
 *
 * <p>Thread safety: one calling thread ({@link #arm}, {@link #disarm}); {@link #claim} from the watchdog.
 */
final class WatchedDeadline {
    private static final long IDLE = 0;
    private static final long EXPIRED = 1;

    /** IDLE between calls, the call's deadline (System.nanoTime) during one, or EXPIRED once claimed. */
    private final AtomicLong state = new AtomicLong(IDLE);
    /** The deadline the call in progress armed; the calling thread's only. */
    private long armed;

    /** Before a call that must end by {@code deadlineNanos}; false if a claim came first (the source is dead). */
    boolean arm(long deadlineNanos) {
        long d = deadlineNanos == IDLE || deadlineNanos == EXPIRED ? EXPIRED + 1 : deadlineNanos;
        if (!state.compareAndSet(IDLE, d)) {
            return false;
        }
        armed = d;
        return true;
    }

    /** After the armed call, however it ended; false if the watchdog claimed it. */
    boolean disarm() {
        return state.compareAndSet(armed, IDLE);
    }

    /** Whether a call was claimed: the source is dead. */
    boolean expired() {
        return state.get() == EXPIRED;
    }

    /** From the watchdog: claims the call in progress if it is past its deadline; true if it did (the caller ends it). */
    boolean claim(long nowNanos) {
        long d = state.get();
        return d != IDLE && d != EXPIRED && nowNanos - d > 0 && state.compareAndSet(d, EXPIRED);
    }
}
