package io.loomtunnel.bench.e2e;

import java.io.InputStream;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** New connections, each: connect, one 64 B round trip, close; a few at a time; errors counted, not fatal. */
final class ConnectionsScenario implements LoadScenario {
    /** Enough in flight to keep a relay's accept loop busy without measuring the backlog instead. */
    private static final int WORKERS = 8;
    private static final long TIME_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(60);

    @Override
    public String name() {
        return "connections";
    }

    @Override
    public String describe(boolean quick) {
        return String.format("%,d connections (connect, 64 B round trip, close), %d at a time%s",
                count(quick), WORKERS, quick ? " (--quick: full run opens 10,000)" : "");
    }

    private static int count(boolean quick) {
        return quick ? 2_000 : 10_000;
    }

    @Override
    public Map<String, Double> load(int port, boolean quick, Map<String, Long> processes) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        int count = count(quick);
        long start = System.nanoTime();
        long deadline = start + TIME_LIMIT_NANOS;
        Thread[] workers = new Thread[WORKERS];
        for (int w = 0; w < WORKERS; w++) {
            workers[w] = Thread.ofVirtual().start(() -> {
                while (next.getAndIncrement() < count && System.nanoTime() < deadline) {
                    if (oneConnection(port)) {
                        ok.incrementAndGet();
                    } else {
                        errors.incrementAndGet();
                    }
                }
            });
        }
        for (Thread t : workers) {
            t.join(); // each connection is bounded by the socket timeouts, the loop by the deadline
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("connections/s", ok.get() / seconds);
        figures.put("connections", (double) ok.get());
        figures.put("errors", (double) errors.get());
        return figures;
    }

    private static boolean oneConnection(int port) {
        byte[] request = new byte[1 + Echo.CONNECT_SIZE];
        request[0] = Echo.CONNECT;
        try (Socket s = Echo.connect(port)) {
            s.getOutputStream().write(request);
            InputStream in = s.getInputStream();
            return in.readNBytes(Echo.CONNECT_SIZE).length == Echo.CONNECT_SIZE;
        } catch (Exception e) {
            return false;
        }
    }
}
