package io.loomtunnel.internal.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Penalties per source on a clock the test moves, under both rules: when a block starts and ends,
 * IPv6 per /64, the bounded table. (The admin endpoint's and the control port's tests cover the
 * same over real sockets.)
 */
class PenaltyBoxTest {
    private final AtomicLong now = new AtomicLong(1_000);
    /** The admin endpoint's rule: 5 s a wrong token, blocked at 15 s. */
    private final PenaltyBox accumulating = new PenaltyBox(
            new PenaltyBox.Accumulating(Duration.ofSeconds(5), Duration.ofSeconds(15)), 2, now::get);
    /** The control port's rule: blocked for 60 s after 3 failures, each within 60 s of the one before. */
    private final PenaltyBox streak = new PenaltyBox(new PenaltyBox.Streak(3, Duration.ofSeconds(60)), 2, now::get);

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    private static String source(String address) throws Exception {
        return Sources.of(InetAddress.getByName(address));
    }

    @Test
    void accumulatingBlocksWhenThePenaltyReachesTheLimitAndUntilItRanOut() {
        String a = "192.0.2.1";
        assertFalse(accumulating.failed(a));
        assertFalse(accumulating.failed(a));
        assertEquals(Duration.ZERO, accumulating.blocked(a), "10 s of penalty, under the limit");
        assertTrue(accumulating.failed(a), "15 s: a block");
        assertEquals(Duration.ofSeconds(15), accumulating.blocked(a));
        advance(Duration.ofSeconds(14));
        assertEquals(Duration.ofSeconds(1), accumulating.blocked(a), "blocked until all of it ran out");
        assertEquals(Duration.ZERO, accumulating.blocked("192.0.2.2"), "another address is not");
        advance(Duration.ofSeconds(1));
        assertEquals(Duration.ZERO, accumulating.blocked(a));
        assertEquals(0, accumulating.sources(), "a penalty that ran out is forgotten");
        assertFalse(accumulating.failed(a), "a fresh start after the block");
    }

    @Test
    void accumulatedPenaltiesRunOutBetweenSlowFailures() {
        for (int i = 0; i < 10; i++) {
            assertFalse(accumulating.failed("192.0.2.1"), "a wrong token every 5 s never blocks");
            advance(Duration.ofSeconds(5));
        }
    }

    @Test
    void streakBlocksForThePenaltyAfterEnoughFailuresInARow() {
        String a = "192.0.2.1";
        assertFalse(streak.failed(a));
        advance(Duration.ofSeconds(59));
        assertFalse(streak.failed(a));
        assertEquals(Duration.ZERO, streak.blocked(a), "two failures, under the limit");
        advance(Duration.ofSeconds(59));
        assertTrue(streak.failed(a), "the third, each within 60 s of the one before: a block");
        assertEquals(Duration.ofSeconds(60), streak.blocked(a));
        advance(Duration.ofSeconds(60));
        assertEquals(Duration.ZERO, streak.blocked(a), "the penalty is over");
        assertEquals(0, streak.sources(), "and forgotten");
    }

    @Test
    void streakForgetsFailuresFarApart() {
        String a = "192.0.2.1";
        streak.failed(a);
        streak.failed(a);
        advance(Duration.ofSeconds(61));
        assertFalse(streak.failed(a), "the earlier two were too long ago to count");
        assertFalse(streak.failed(a));
        assertTrue(streak.failed(a));
    }

    @Test
    void aStreakOfZeroFailuresNeverBlocksAndRemembersNothing() {
        PenaltyBox off = new PenaltyBox(new PenaltyBox.Streak(0, Duration.ofSeconds(60)), 2, now::get);
        for (int i = 0; i < 100; i++) {
            assertFalse(off.failed("192.0.2.1"));
        }
        assertEquals(Duration.ZERO, off.blocked("192.0.2.1"));
        assertEquals(0, off.sources());
    }

    @Test
    void ipv6CountsPerSlash64() throws Exception {
        for (int i = 1; i <= 3; i++) {
            accumulating.failed(source("2001:db8:1:2::" + i));
        }
        assertEquals(Duration.ofSeconds(15), accumulating.blocked(source("2001:db8:1:2:ffff::9")));
        assertEquals(Duration.ZERO, accumulating.blocked(source("2001:db8:1:3::1")));
    }

    @Test
    void aFullTableForgetsTheSourceHeardFromLeastRecently() {
        for (int i = 0; i < 3; i++) {
            accumulating.failed("a");
        }
        accumulating.failed("b");
        accumulating.blocked("a"); // a is heard from again: b is now the least recent
        accumulating.failed("c");
        assertEquals(2, accumulating.sources());
        assertEquals(Duration.ofSeconds(15), accumulating.blocked("a"), "a is still blocked");
        for (int i = 0; i < 2; i++) {
            accumulating.failed("b");
        }
        assertEquals(Duration.ZERO, accumulating.blocked("b"), "b's first failure was forgotten");
        for (int i = 0; i < 10_000; i++) {
            accumulating.failed("stranger " + i);
            assertTrue(accumulating.sources() <= 2, "remembered " + accumulating.sources());
        }
    }
}
