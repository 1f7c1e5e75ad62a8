package io.loomtunnel.internal.net;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter between reconnect attempts: the n-th delay is drawn uniformly
 * from [d/2, d] where d = min(max, min × 2^n), so a crowd of clients that lost the same server
 * does not come back in lockstep.
 */
public final class Backoff {
    private final Duration min;
    private final Duration max;
    private int attempt;

    public Backoff(Duration min, Duration max) {
        this.min = min;
        this.max = max;
    }

    public Duration next() {
        long ceiling = Math.min(max.toMillis(), min.toMillis() << Math.min(attempt, 20));
        attempt++;
        return Duration.ofMillis(ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1));
    }

    public void reset() {
        attempt = 0;
    }
}
