package io.loomtunnel.internal.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.loomtunnel.internal.signal.SignalException.Problem;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReplayGuardTest {
    private final Instant now = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void anIdIsRefusedUntilItsBlockExpires() throws Exception {
        ReplayGuard guard = new ReplayGuard(10);
        guard.firstUse("a", now.plusSeconds(60), now);
        assertEquals(Problem.REPLAYED, assertThrows(SignalException.class,
                () -> guard.firstUse("a", now.plusSeconds(60), now.plusSeconds(59))).problem());
        guard.firstUse("a", now.plusSeconds(200), now.plusSeconds(60)); // expired: the expiry check refuses the old block
        assertEquals(1, guard.size());
    }

    @Test
    void whenFullOfLiveIdsNewOnesAreRefusedNotOldOnesForgotten() throws Exception {
        ReplayGuard guard = new ReplayGuard(2);
        guard.firstUse("a", now.plusSeconds(60), now);
        guard.firstUse("b", now.plusSeconds(90), now);
        assertEquals(Problem.OVERLOADED, assertThrows(SignalException.class,
                () -> guard.firstUse("c", now.plusSeconds(60), now)).problem());
        assertEquals(Problem.REPLAYED, assertThrows(SignalException.class,
                () -> guard.firstUse("a", now.plusSeconds(60), now.plusSeconds(1))).problem());
        guard.firstUse("c", now.plusSeconds(120), now.plusSeconds(61)); // "a" expired and made room
        assertEquals(2, guard.size());
    }
}
