package io.loomtunnel.soak;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The run's outcome so far: the first failure wins (one line, the reason the soak prints and exits
 * non-zero with) and wakes whoever waits for the end, so a corrupted byte stops an hour-long run at once.
 */
final class Verdict {
    private final CountDownLatch failed = new CountDownLatch(1);
    private volatile String reason; // written once, under this

    /** Records {@code why} unless a failure is already recorded. */
    void fail(String why) {
        synchronized (this) {
            if (reason != null) {
                return;
            }
            reason = why.replace('\n', ' ');
        }
        System.out.println("soak: failure: " + reason);
        failed.countDown();
    }

    boolean failed() {
        return reason != null;
    }

    /** The first failure's one line, or null. */
    String reason() {
        return reason;
    }

    /** Waits up to {@code millis} for a failure; true if there is one. */
    boolean awaitFailure(long millis) throws InterruptedException {
        return failed.await(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }
}
