package io.loomtunnel.soak;

/** Milliseconds since the soak started, on the monotonic clock: the time axis of every record. */
final class Clock {
    private final long origin = System.nanoTime();

    long now() {
        return (System.nanoTime() - origin) / 1_000_000;
    }
}
