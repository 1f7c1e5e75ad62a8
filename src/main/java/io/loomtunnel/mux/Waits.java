package io.loomtunnel.mux;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/** Waiting on a condition with java.net.Socket's convention: a timeout of 0 waits for ever. */
final class Waits {
    private Waits() {}

    /**
     * Waits once on {@code condition} (whose lock the caller holds), for at most what is left.
     *
     * @param timeoutNanos the whole timeout the caller was given, 0 for none
     * @param nanosLeft what is left of it, from the previous call (start with {@code timeoutNanos})
     * @param what the operation, for the exception message ("read", "accept" ...)
     * @return the nanoseconds left
     * @throws SocketTimeoutException when nothing is left
     */
    static long await(Condition condition, long timeoutNanos, long nanosLeft, String what) throws IOException {
        try {
            if (timeoutNanos == 0) {
                condition.await();
                return 0;
            }
            if (nanosLeft <= 0) {
                throw new SocketTimeoutException(what + " timed out after "
                        + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
            }
            return condition.awaitNanos(nanosLeft);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted during " + what);
        }
    }
}
