package io.loomtunnel.internal.policies;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Closed, open, half-open with one probe, closed again, on a clock the test moves. */
class CircuitBreakerTest {
    private long now;
    private static final long S = 1_000_000_000L;

    @Test
    void consecutiveFailuresOpenItAndAProbeClosesIt() {
        CircuitBreaker b = new CircuitBreaker(3, 1.0, 0, 10 * S, () -> now);
        for (int i = 0; i < 2; i++) {
            assertEquals(0, b.tryPass());
            b.record(false);
        }
        assertEquals(0, b.tryPass());
        b.record(true);
        assertEquals(CircuitBreaker.State.CLOSED, b.state(), "a success breaks the run");
        for (int i = 0; i < 3; i++) {
            b.tryPass();
            b.record(false);
        }
        assertEquals(CircuitBreaker.State.OPEN, b.state());
        assertEquals(10, b.tryPass());
        now += 4 * S;
        assertEquals(6, b.tryPass());
        now += 6 * S;
        assertEquals(CircuitBreaker.State.HALF_OPEN, b.state());
        assertEquals(0, b.tryPass(), "the probe");
        assertEquals(10, b.tryPass(), "one probe at a time");
        b.record(false);
        assertEquals(CircuitBreaker.State.OPEN, b.state(), "a failed probe opens it again");
        now += 10 * S;
        assertEquals(0, b.tryPass());
        b.record(true);
        assertEquals(CircuitBreaker.State.CLOSED, b.state());
        assertEquals(0, b.tryPass());
    }

    @Test
    void aFailureRateOverTheWindowOpensIt() {
        CircuitBreaker b = new CircuitBreaker(100, 0.5, 10, S, () -> now);
        for (int i = 0; i < 9; i++) {
            b.tryPass();
            b.record(i % 2 == 0); // 5 good, 4 bad: window not full yet
        }
        assertEquals(CircuitBreaker.State.CLOSED, b.state());
        b.tryPass();
        b.record(false); // 5 of 10
        assertEquals(CircuitBreaker.State.OPEN, b.state());
    }

    @Test
    void aProbeThatNeverReportsIsReplacedAfterTheOpenTime() {
        CircuitBreaker b = new CircuitBreaker(1, 1.0, 0, 2 * S, () -> now);
        b.tryPass();
        b.record(false);
        now += 2 * S;
        assertEquals(0, b.tryPass());
        now += 2 * S;
        assertEquals(0, b.tryPass(), "the lost probe's turn passed");
    }
}
