package io.loomtunnel.internal.policies;

import io.loomtunnel.internal.limits.TokenBucket;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Requests per visitor (a source as {@code internal.limits.Sources} names it: an IPv4 address or
 * an IPv6 /64) or for a whole tunnel (one key), each a token bucket of {@code rate} per second
 * and {@code burst}. At most {@code maxKeys} buckets are kept: a full (idle) bucket is forgotten
 * first, since a fresh one is the same; when every bucket is in use, the least recently used
 * one goes, which can only let its visitor in sooner, never refuse anyone wrongly.
 *
 * <p>Locking: {@code buckets} is the lock, a leaf; each bucket's own lock is taken after it.
 */
public final class RateLimiter {
    private static final long UNIT = 1_000_000;
    private final double rate;
    private final long burst;
    private final int maxKeys;
    private final LongSupplier nanoClock;
    private final Map<String, TokenBucket> buckets = new LinkedHashMap<>(64, 0.75f, true);

    /**
     * @param perSecond tokens per second, above 0
     * @param burst how many requests may come at once, at least 1
     * @param maxKeys buckets kept at most
     */
    public RateLimiter(double perSecond, long burst, int maxKeys, LongSupplier nanoClock) {
        if (!(perSecond > 0) || burst < 1 || maxKeys < 1) {
            throw new IllegalArgumentException("rate, burst and key cap must be positive");
        }
        this.rate = perSecond;
        this.burst = burst;
        this.maxKeys = maxKeys;
        this.nanoClock = nanoClock;
    }

    /**
     * Counts one request of {@code key}.
     *
     * @return 0 when it may pass, else the seconds to wait (at least 1), for a Retry-After
     */
    public long acquire(String key) {
        TokenBucket bucket;
        synchronized (buckets) {
            bucket = buckets.get(key);
            if (bucket == null) {
                if (buckets.size() >= maxKeys) {
                    evictOne();
                }
                // A bucket counts in millionths of a request so that rates below one per second stay exact.
                bucket = new TokenBucket(Math.round(rate * UNIT), burst * UNIT, nanoClock, nanos -> {
                    throw new IllegalStateException("never sleeps");
                });
                buckets.put(key, bucket);
            }
        }
        long nanos = bucket.tryTake(UNIT);
        return nanos == 0 ? 0 : Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }

    /** Buckets kept now. */
    public int keys() {
        synchronized (buckets) {
            return buckets.size();
        }
    }

    /** Under {@code buckets}: forgets a full bucket if there is one among the oldest, else the oldest. */
    private void evictOne() {
        Iterator<TokenBucket> it = buckets.values().iterator();
        for (int looked = 0; it.hasNext() && looked < 64; looked++) {
            if (it.next().full()) {
                it.remove();
                return;
            }
        }
        it = buckets.values().iterator();
        it.next();
        it.remove();
    }
}
