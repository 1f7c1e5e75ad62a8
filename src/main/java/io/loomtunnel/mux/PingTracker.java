package io.loomtunnel.mux;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Round-trip times from PING. Each PING we send carries its send time (from the session's
 * clock, System.nanoTime unless a test drives it) as its value, so the ACK alone gives the RTT;
 * only values we sent and still wait for are counted, so a peer cannot forge a measurement.
 *
 * <p>Locking: none. {@code outstanding} is a concurrent map; the measurements and the listener
 * are volatile, written by the reader thread (the listener by whoever sets it) and read by any.
 * The listener runs on the reader thread and must not block.
 */
final class PingTracker {
    /** Explicit pings plus the keepalive ping that may wait at once. */
    private static final int MAX_OUTSTANDING = 16;

    private final LongSupplier nanoClock;
    private final AtomicLong lastValue = new AtomicLong();
    private final ConcurrentHashMap<Long, CompletableFuture<Duration>> outstanding = new ConcurrentHashMap<>();
    private volatile long latestNanos = -1;
    private volatile long smoothedNanos = -1;
    private volatile LongConsumer listener = rtt -> {};

    PingTracker(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** Registers a new ping and returns its value; the future completes with its RTT. */
    long start(CompletableFuture<Duration> result) throws IOException {
        if (outstanding.size() >= MAX_OUTSTANDING) {
            throw new IOException("too many pings in flight (" + MAX_OUTSTANDING + ")");
        }
        long value = lastValue.updateAndGet(prev -> Math.max(prev + 1, nanoClock.getAsLong()));
        outstanding.put(value, result);
        return value;
    }

    /** Forgets a ping that will not be waited for any more. */
    void abandon(long value) {
        outstanding.remove(value);
    }

    /** Called by the reader for every PING ACK. */
    void onAck(long value) {
        CompletableFuture<Duration> waiting = outstanding.remove(value);
        if (waiting == null) {
            return;
        }
        long rtt = nanoClock.getAsLong() - value;
        latestNanos = rtt;
        long s = smoothedNanos;
        smoothedNanos = s < 0 ? rtt : s + (rtt - s) / 8; // RFC 6298's alpha of 1/8
        listener.accept(rtt);
        waiting.complete(Duration.ofNanos(rtt));
    }

    /** Runs on the reader thread with each measured RTT in nanoseconds, so it must not block. */
    void listener(LongConsumer l) {
        listener = l;
    }

    void failAll(IOException e) {
        outstanding.values().forEach(f -> f.completeExceptionally(e));
        outstanding.clear();
    }

    /** The smoothed RTT in nanoseconds, or -1 before the first measurement. */
    long smoothedNanos() {
        return smoothedNanos;
    }

    long latestNanos() {
        return latestNanos;
    }
}
