package io.loomtunnel.internal.policies;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Requests per key on a clock the test moves: a burst, then the rate, a Retry-After, and a capped key table. */
class RateLimiterTest {
    private long now = 5_000_000_000L;

    @Test
    void aBurstThenTheRateWithRetryAfter() {
        RateLimiter limiter = new RateLimiter(0.5, 2, 100, () -> now); // one request per 2 s, bursts of 2
        assertEquals(0, limiter.acquire("a"));
        assertEquals(0, limiter.acquire("a"));
        assertEquals(2, limiter.acquire("a"), "wait 2 s for the next token");
        assertEquals(0, limiter.acquire("b"), "another visitor has its own bucket");
        now += 1_000_000_000L;
        assertEquals(1, limiter.acquire("a"));
        now += 1_000_000_000L;
        assertEquals(0, limiter.acquire("a"));
    }

    @Test
    void theKeyTableIsCappedForgettingIdleBucketsFirst() {
        RateLimiter limiter = new RateLimiter(1, 1, 3, () -> now);
        limiter.acquire("busy");
        limiter.acquire("x");
        limiter.acquire("y");
        now += 1_000_000_000L; // all full again
        limiter.acquire("busy"); // busy is empty now
        for (int i = 0; i < 100; i++) {
            limiter.acquire("stranger" + i);
        }
        assertEquals(3, limiter.keys());
    }
}
