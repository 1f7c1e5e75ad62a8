package io.loomtunnel.internal.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Penalties per source on a clock the test moves: when a block starts and ends, IPv6 per /64, the bounded table. */
class SourcePenaltiesTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final SourcePenalties penalties = new SourcePenalties(Duration.ofSeconds(5), Duration.ofSeconds(15), 2, now::get);

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void aBlockStartsWhenThePenaltyReachesTheLimitAndLastsUntilItRanOut() throws Exception {
        InetAddress a = InetAddress.getByName("192.0.2.1");
        assertFalse(penalties.failed(a));
        assertFalse(penalties.failed(a));
        assertEquals(Duration.ZERO, penalties.blocked(a), "10 s of penalty, under the limit");
        assertTrue(penalties.failed(a), "15 s: a block");
        assertEquals(Duration.ofSeconds(15), penalties.blocked(a));
        advance(Duration.ofSeconds(14));
        assertEquals(Duration.ofSeconds(1), penalties.blocked(a), "blocked until all of it ran out");
        assertEquals(Duration.ZERO, penalties.blocked(InetAddress.getByName("192.0.2.2")), "another address is not");
        advance(Duration.ofSeconds(1));
        assertEquals(Duration.ZERO, penalties.blocked(a));
        assertFalse(penalties.failed(a), "a fresh start after the block");
    }

    @Test
    void penaltiesRunOutBetweenSlowFailures() throws Exception {
        InetAddress a = InetAddress.getByName("192.0.2.1");
        for (int i = 0; i < 10; i++) {
            assertFalse(penalties.failed(a), "a wrong token every 5 s never blocks");
            advance(Duration.ofSeconds(5));
        }
    }

    @Test
    void ipv6CountsPerSlash64() throws Exception {
        List<InetAddress> one64 = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            one64.add(InetAddress.getByName("2001:db8:1:2::" + i));
        }
        one64.forEach(penalties::failed);
        assertEquals(Duration.ofSeconds(15), penalties.blocked(InetAddress.getByName("2001:db8:1:2:ffff::9")));
        assertEquals(Duration.ZERO, penalties.blocked(InetAddress.getByName("2001:db8:1:3::1")));
    }

    @Test
    void aFullTableMakesRoomFromExpiredPenaltiesOnly() throws Exception {
        InetAddress a = InetAddress.getByName("192.0.2.1");
        InetAddress b = InetAddress.getByName("192.0.2.2");
        InetAddress c = InetAddress.getByName("192.0.2.3");
        penalties.failed(a);
        penalties.failed(b);
        for (int i = 0; i < 3; i++) {
            penalties.failed(c);
        }
        assertEquals(Duration.ZERO, penalties.blocked(c), "no room: not tracked");
        advance(Duration.ofSeconds(6));
        for (int i = 0; i < 3; i++) {
            penalties.failed(c);
        }
        assertEquals(Duration.ofSeconds(15), penalties.blocked(c), "room once the others ran out");
    }
}
