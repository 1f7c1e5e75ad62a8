package io.loomtunnel.internal.nostr;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Waits on a monitor the caller holds until a condition holds or the time is up; notifyAll wakes it to check again. */
final class MonitorWait {
    private MonitorWait() {}

    /** True when {@code done} held before {@code timeout} passed. */
    static boolean until(Object monitor, Duration timeout, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(monitor, left);
        }
        return true;
    }
}
