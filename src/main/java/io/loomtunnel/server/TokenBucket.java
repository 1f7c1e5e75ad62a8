package io.loomtunnel.server;

import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Limits a byte rate: tokens refill at {@code rate} per second up to {@code burst}; taking more
 * than there are goes into debt, and the taker sleeps until the debt is paid off. Several
 * takers share one bucket; each waits for the debt it finds, so together they keep to the rate.
 *
 * <p>Locking: {@code this} guards {@code tokens} and {@code updated}; sleeping happens outside it.
 */
final class TokenBucket {
    /** Sleeps for a number of nanoseconds (tests pass a fake). */
    interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    private final long rate;
    private final long burst;
    private final LongSupplier clock;
    private final Sleeper sleeper;
    private double tokens;
    private long updated;

    TokenBucket(long ratePerSecond, long burst, LongSupplier nanoClock, Sleeper sleeper) {
        this.rate = ratePerSecond;
        this.burst = burst;
        this.clock = nanoClock;
        this.sleeper = sleeper;
        this.tokens = burst;
        this.updated = nanoClock.getAsLong();
    }

    /** A bucket on the system clock. */
    static TokenBucket of(long ratePerSecond, long burst) {
        return new TokenBucket(ratePerSecond, burst, System::nanoTime, TimeUnit.NANOSECONDS::sleep);
    }

    /** Takes {@code n} tokens, waiting as long as the rate requires. */
    void take(long n) throws InterruptedIOException {
        long waitNanos;
        synchronized (this) {
            long now = clock.getAsLong();
            tokens = Math.min(burst, tokens + (now - updated) * (double) rate / 1e9);
            updated = now;
            tokens -= n;
            waitNanos = tokens >= 0 ? 0 : (long) Math.ceil(-tokens * 1e9 / rate);
        }
        if (waitNanos > 0) {
            try {
                sleeper.sleep(waitNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while holding to the relay's rate");
            }
        }
    }
}
