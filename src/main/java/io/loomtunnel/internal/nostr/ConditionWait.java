package io.loomtunnel.internal.nostr;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.function.BooleanSupplier;

/**
 * Waits on a condition of a lock the caller holds until {@code done} holds or the time is up; a
 * signal wakes it to check again. (A {@code ReentrantLock}, not a monitor: on Java 21 a virtual
 * thread in {@code Object.wait} holds on to its carrier.)
 */
final class ConditionWait {
    private ConditionWait() {}

    /** True when {@code done} held before {@code timeout} passed. */
    static boolean until(Condition changed, Duration timeout, BooleanSupplier done) throws InterruptedException {
        long left = timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (left <= 0) {
                return false;
            }
            left = changed.awaitNanos(left);
        }
        return true;
    }
}
