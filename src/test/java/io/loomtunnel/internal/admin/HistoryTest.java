package io.loomtunnel.internal.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.loomtunnel.observe.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The history ring: fixed size, oldest first; a point's RTT is the mean of the sessions that have one. */
class HistoryTest {
    @Test
    void keepsTheLastPointsOldestFirst() {
        History h = new History(3);
        for (int t = 1; t <= 5; t++) {
            h.add(new History.Point(t, t, t, null, 0, 0));
        }
        assertEquals(List.of(3L, 4L, 5L), h.points().stream().map(History.Point::t).toList());
        assertEquals(5, h.answer().intervalSeconds());
        assertEquals(180, History.POINTS, "15 minutes at 5 s");
    }

    @Test
    void aPointSumsTheStatus() {
        Status.Session a = session(10.0);
        Status.Session b = session(null);
        Status.Session c = session(30.0);
        Status s = new Status("server", "v", "id", 1, new Status.Totals(3, 2, 7, 100, 200, 0, 0, 0),
                new Status.Throughput(0, 0, 0, List.of()), List.of(a, b, c));
        assertEquals(new History.Point(42, 100, 200, 20.0, 3, 7), History.Point.of(42, s));
        Status none = new Status("client", "v", "id", 1, new Status.Totals(0, 0, 0, 0, 0, 0, 0, 0),
                new Status.Throughput(0, 0, 0, List.of()), List.of());
        assertNull(History.Point.of(1, none).rttMillis());
    }

    private static Status.Session session(Double rtt) {
        return new Status.Session("1", "peer", "p", "addr", rtt, 1, 0, List.of());
    }
}
