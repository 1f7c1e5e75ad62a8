package io.loomtunnel.internal.admin;

import io.loomtunnel.observe.Status;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The last minutes of a server's or client's totals for the dashboard's charts ({@code GET
 * /api/history}): one point per sample, a ring of fixed size, oldest first. The admin endpoint
 * samples its target's status every {@link #INTERVAL} on its own thread.
 *
 * <p>Locking: {@code this} guards the ring; a leaf, held for a copy.
 */
final class History {
    /** How often the endpoint samples. */
    static final Duration INTERVAL = Duration.ofSeconds(5);
    /** 15 minutes at {@link #INTERVAL}. */
    static final int POINTS = 180;

    /**
     * One sample.
     *
     * @param t when, epoch milliseconds
     * @param bytesIn bytes in since start
     * @param bytesOut bytes out since start
     * @param rttMillis the mean smoothed RTT of the sessions that have one, or null
     * @param sessions sessions then
     * @param streams streams open then
     */
    record Point(long t, long bytesIn, long bytesOut, Double rttMillis, int sessions, long streams) {
        static Point of(long t, Status s) {
            double rttSum = 0;
            int rtts = 0;
            for (Status.Session session : s.sessions()) {
                if (session.rttMillis() != null) {
                    rttSum += session.rttMillis();
                    rtts++;
                }
            }
            return new Point(t, s.totals().bytesIn(), s.totals().bytesOut(), rtts == 0 ? null : rttSum / rtts,
                    s.totals().sessions(), s.totals().streams());
        }
    }

    /** What {@code /api/history} answers. */
    record Answer(long intervalSeconds, List<Point> points) {}

    private final int capacity;
    private final ArrayDeque<Point> points;

    History(int capacity) {
        this.capacity = capacity;
        this.points = new ArrayDeque<>(capacity);
    }

    synchronized void add(Point p) {
        if (points.size() == capacity) {
            points.removeFirst();
        }
        points.addLast(p);
    }

    /** The points, oldest first. */
    synchronized List<Point> points() {
        return List.copyOf(points);
    }

    Answer answer() {
        return new Answer(INTERVAL.toSeconds(), points());
    }
}
