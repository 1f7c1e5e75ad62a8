package io.loomtunnel.internal.limits;

import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Limits a rate (bytes for the relay, requests for the rate-limit policy): tokens refill at
 * {@code rate} per second up to {@code burst}. {@link #take} goes into debt and sleeps until the
 * debt is paid off (several takers share one bucket; each waits for the debt it finds, so together
 * they keep to the rate); {@link #tryTake} never waits and never goes into debt: it says how long
 * until there would be enough.
 *
 * <p>Locking: {@code this} guards {@code tokens} and {@code updated}; sleeping happens outside it.
 */
public final class TokenBucket {
    /** Sleeps for a number of nanoseconds (tests pass a fake). */
    public interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    private final long rate;
    private final long burst;
    private final LongSupplier clock;
    private final Sleeper sleeper;
    private double tokens;
    private long updated;

    public TokenBucket(long ratePerSecond, long burst, LongSupplier nanoClock, Sleeper sleeper) {
        this.rate = ratePerSecond;
        this.burst = burst;
        this.clock = nanoClock;
        this.sleeper = sleeper;
        this.tokens = burst;
        this.updated = nanoClock.getAsLong();
    }

    /** A bucket on the system clock. */
    public static TokenBucket of(long ratePerSecond, long burst) {
        return new TokenBucket(ratePerSecond, burst, System::nanoTime, TimeUnit.NANOSECONDS::sleep);
    }

    /**
     * Takes {@code n} tokens if there are that many now.
     *
     * @return 0 when taken, else the nanoseconds until there will be {@code n} (nothing is taken)
     */
    public long tryTake(long n) {
        synchronized (this) {
            refill();
            if (tokens >= n) {
                tokens -= n;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((n - tokens) * 1e9 / rate));
        }
    }

    /** Whether the bucket is full: an idle one that a fresh bucket could replace. */
    public synchronized boolean full() {
        refill();
        return tokens >= burst;
    }

    /** Takes {@code n} tokens, waiting as long as the rate requires. */
    public void take(long n) throws InterruptedIOException {
        long waitNanos;
        synchronized (this) {
            refill();
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

    /** Adds what the time since the last look earned; under {@code this}. */
    private void refill() {
        long now = clock.getAsLong();
        tokens = Math.min(burst, tokens + (now - updated) * (double) rate / 1e9);
        updated = now;
    }
}
