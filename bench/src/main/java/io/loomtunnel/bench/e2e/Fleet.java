package io.loomtunnel.bench.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Recorder;

/**
 * Many concurrent echo connections, one virtual thread each: opened at a steady rate, each proven by
 * one round trip of {@link #MESSAGE} bytes, then held idle or pinged at an interval. A connection
 * that fails is closed and counted in {@link #errors}, never thrown.
 */
final class Fleet implements AutoCloseable {
    static final int MESSAGE = 64;

    private final int port;
    private final Queue<Socket> open = new ConcurrentLinkedQueue<>();
    private final AtomicInteger errors = new AtomicInteger();
    private final Map<String, AtomicInteger> errorKinds = new ConcurrentHashMap<>();

    Fleet(int port) {
        this.port = port;
    }

    /** Starts {@code count} connections, {@code perSecond} a second; returns once each has made its first round trip or failed. */
    int open(int count, int perSecond) throws InterruptedException {
        List<Thread> threads = new ArrayList<>(count);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long wait = start + i * TimeUnit.SECONDS.toNanos(1) / perSecond - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            threads.add(Thread.ofVirtual().name("fleet-open-" + i).start(this::openOne));
        }
        for (Thread t : threads) {
            t.join(); // bounded by the connect and read timeouts of Echo.connect
        }
        return open.size();
    }

    private void openOne() {
        Socket s = null;
        try {
            s = Echo.connect(port);
            byte[] first = new byte[1 + MESSAGE];
            first[0] = Echo.ECHO;
            s.getOutputStream().write(first);
            Echo.receive(s.getInputStream(), new byte[MESSAGE], MESSAGE);
            open.add(s);
        } catch (IOException e) {
            fail(s, e);
        }
    }

    /**
     * Every open connection sends {@link #MESSAGE} bytes and reads them back once per {@code interval}
     * until {@code duration} has passed, each from its own random offset within the first interval,
     * so the round trips spread evenly; each round trip is recorded in nanoseconds.
     */
    void converse(Duration duration, Duration interval, Recorder recorder) throws InterruptedException {
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        List<Thread> threads = new ArrayList<>(open.size());
        for (Socket s : List.copyOf(open)) {
            long first = start + ThreadLocalRandom.current().nextLong(interval.toNanos());
            threads.add(Thread.ofVirtual().start(() -> converse(s, first, end, interval.toNanos(), recorder)));
        }
        for (Thread t : threads) {
            t.join(); // each ends at `end`, or after its read timeout
        }
    }

    private void converse(Socket s, long next, long end, long interval, Recorder recorder) {
        byte[] message = new byte[MESSAGE];
        try {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            for (; next < end; next += interval) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                long sent = System.nanoTime();
                out.write(message);
                Echo.receive(in, message, MESSAGE);
                recorder.recordValue(System.nanoTime() - sent);
            }
        } catch (IOException | InterruptedException e) {
            open.remove(s);
            fail(s, e);
        }
    }

    int errors() {
        return errors.get();
    }

    /** Connections still open. */
    int size() {
        return open.size();
    }

    /** Errors by kind ("opening: java.net.ConnectException: Connection refused" → count), for the log. */
    Map<String, Integer> errorKinds() {
        Map<String, Integer> kinds = new TreeMap<>();
        errorKinds.forEach((k, v) -> kinds.put(k, v.get()));
        return kinds;
    }

    private void fail(Socket s, Exception e) {
        errors.incrementAndGet();
        errorKinds.computeIfAbsent(e.toString(), k -> new AtomicInteger()).incrementAndGet();
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // counted already
            }
        }
    }

    @Override
    public void close() {
        for (Socket s; (s = open.poll()) != null; ) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
