package io.loomtunnel.mux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.loomtunnel.internal.wire.Wire;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Receive-window auto-tuning (docs/protocol/SESSION.md 3.3) on a clock the test drives: a window
 * doubles when its grants come less than two RTTs apart, up to MAX_WINDOW, while the session's
 * growth budget lasts, and a closed stream's growth goes back to the budget for other streams.
 */
class WindowGrowthTest {
    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;
    private static final long RTT = TimeUnit.MILLISECONDS.toNanos(10);
    /** The defaults of MuxConfig. */
    private static final int MAX_WINDOW = 16 * MIB;
    private static final long BUDGET = 64L * MIB;

    private long now = 1_000_000_000L;

    @Test
    void bulkDataGrowsTheWindowByDoublingToTheMaximum() throws Exception {
        ReceiveWindow w = new ReceiveWindow(new WindowBudget(BUDGET), MAX_WINDOW, () -> now);
        List<Integer> windows = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int before = w.window();
            int grant = consumeHalfAfter(w, RTT); // one RTT since the last grant: the window limits
            assertEquals(before / 2 + (w.window() - before), grant, "the grant is the consumed half plus the growth");
            windows.add(w.window());
        }
        assertEquals(List.of(512 * KIB, 1 * MIB, 2 * MIB, 4 * MIB, 8 * MIB, 16 * MIB, 16 * MIB, 16 * MIB), windows);
    }

    @Test
    void grantsTwoRttsApartOrWithoutAnRttDoNotGrowTheWindow() throws Exception {
        ReceiveWindow w = new ReceiveWindow(new WindowBudget(BUDGET), MAX_WINDOW, () -> now);
        assertEquals(Wire.INITIAL_WINDOW / 2, consumeHalfAfter(w, 2 * RTT), "the network, not the window, is the limit");
        assertEquals(Wire.INITIAL_WINDOW, w.window());
        now += 1;
        w.onData(1, Wire.INITIAL_WINDOW / 2);
        assertEquals(Wire.INITIAL_WINDOW / 2, w.onConsumed(Wire.INITIAL_WINDOW / 2, -1), "no RTT measured yet");
        assertEquals(Wire.INITIAL_WINDOW, w.window());
    }

    @Test
    void theBudgetCapsGrowthAcrossStreamsAndAClosedStreamReturnsItsShare() throws Exception {
        WindowBudget budget = new WindowBudget(BUDGET);
        List<ReceiveWindow> grown = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ReceiveWindow w = new ReceiveWindow(budget, MAX_WINDOW, () -> now);
            growFully(w);
            assertEquals(MAX_WINDOW, w.window(), "stream " + i + " grows to the maximum");
            grown.add(w);
        }
        // Four streams took 4 x 15.75 MiB: 1 MiB of the 64 MiB budget is left for a fifth.
        ReceiveWindow fifth = new ReceiveWindow(budget, MAX_WINDOW, () -> now);
        growFully(fifth);
        assertEquals(Wire.INITIAL_WINDOW + MIB, fifth.window(), "the fifth grows by what is left, then stops");
        int grant = consumeHalfAfter(fifth, RTT);
        assertEquals(fifth.window() / 2, grant, "budget exhausted: the grant is the consumed half alone");

        grown.get(0).release(); // the first stream closes
        growFully(fifth);
        assertEquals(MAX_WINDOW, fifth.window(), "the returned budget lets the fifth grow to the maximum");
        assertEquals(MIB, budget.reserve(Integer.MAX_VALUE), "three streams and the fifth at 16 MiB leave 1 MiB of the budget");
    }

    /** Lets {@code elapsed} pass, then receives and consumes half the window; returns the grant. */
    private int consumeHalfAfter(ReceiveWindow w, long elapsed) throws Exception {
        now += elapsed;
        int half = w.window() / 2;
        w.onData(1, half);
        return w.onConsumed(half, RTT);
    }

    private void growFully(ReceiveWindow w) throws Exception {
        for (int i = 0; i < 10; i++) {
            consumeHalfAfter(w, RTT);
        }
    }
}
