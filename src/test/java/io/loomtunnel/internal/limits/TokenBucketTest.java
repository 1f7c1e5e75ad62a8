package io.loomtunnel.internal.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The relay's rate limit on a clock the test moves: sleeping is the only way it has to wait. */
class TokenBucketTest {
    private long now = 1_000_000_000L;
    private final List<Long> sleeps = new ArrayList<>();
    /** 1,000 bytes/s, bursts of 500. */
    private final TokenBucket bucket = new TokenBucket(1_000, 500, () -> now, nanos -> {
        sleeps.add(nanos);
        now += nanos;
    });

    @Test
    void aBurstPassesAtOnceThenTheRateHolds() throws InterruptedIOException {
        bucket.take(500);
        assertEquals(List.of(), sleeps, "the burst is free");
        bucket.take(250);
        assertEquals(List.of(250_000_000L), sleeps, "250 bytes at 1,000 bytes/s");
        bucket.take(2_000);
        assertEquals(2_000_000_000L, sleeps.get(1), "more than a burst: the whole debt is slept off");
    }

    @Test
    void idleTimeRefillsButNeverBeyondTheBurst() throws InterruptedIOException {
        bucket.take(500);
        now += 200_000_000L; // 200 bytes' worth
        bucket.take(200);
        assertEquals(List.of(), sleeps);
        now += 60_000_000_000L; // a minute idle: still only a burst
        bucket.take(600);
        assertEquals(List.of(100_000_000L), sleeps);
    }

    @Test
    void tryTakeNeverWaitsAndSaysHowLong() {
        assertEquals(0, bucket.tryTake(500));
        assertEquals(100_000_000L, bucket.tryTake(100), "100 tokens at 1,000/s");
        assertEquals(List.of(), sleeps, "never sleeps");
        now += 100_000_000L;
        assertEquals(0, bucket.tryTake(100), "nothing was taken by the refusal");
        now += 500_000_000L;
        assertEquals(true, bucket.full());
    }

    @Test
    void twoTakersTogetherKeepToTheRate() throws InterruptedIOException {
        bucket.take(500);
        long start = now;
        for (int i = 0; i < 10; i++) {
            bucket.take(100); // as if two relays of one peer took turns
        }
        assertEquals(1_000_000_000L, now - start, "1,000 bytes after the burst took one second");
    }
}
