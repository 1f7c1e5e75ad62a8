package io.loomtunnel.mux;

import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.wire.ProtocolException;
import io.loomtunnel.internal.wire.Wire;
import java.io.IOException;

/**
 * Flow control for one stream's send direction: the credit the peer has granted. Writers block
 * here while it is zero, and only this stream's writers: other streams have their own credit.
 *
 * <p>Locking: {@code lock} guards {@code credit}; it is never held across
 * I/O, so the session reader can always deliver a WINDOW_UPDATE without waiting on a writer.
 */
final class SendWindow extends Handoff {
    private long credit = Wire.INITIAL_WINDOW;

    /**
     * Takes up to {@code wanted} bytes of credit, waiting while there is none.
     *
     * @param timeoutNanos how long to wait; 0 waits until credit comes or the stream fails
     * @return the bytes taken, between 1 and {@code wanted}
     */
    int acquire(int wanted, long timeoutNanos) throws IOException {
        lock.lock();
        try {
            long nanos = timeoutNanos;
            while (credit == 0 && failure == null) {
                nanos = Waits.await(changed, timeoutNanos, nanos, "write (waiting for window credit)");
            }
            if (failure != null) {
                throw failure;
            }
            int n = (int) Math.min(wanted, credit);
            credit -= n;
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Takes up to {@code wanted} bytes of credit without waiting; 0 if there is none (or the stream failed). */
    int tryAcquire(int wanted) {
        lock.lock();
        try {
            if (failure != null || credit == 0) {
                return 0;
            }
            int n = (int) Math.min(wanted, credit);
            credit -= n;
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Adds credit from a WINDOW_UPDATE. */
    void grant(int streamId, int increment) throws ProtocolException {
        lock.lock();
        try {
            credit += increment;
            if (credit > Wire.MAX_CREDIT) {
                throw new ProtocolException(ErrorCode.FLOW_CONTROL_ERROR,
                        "window credit of stream " + streamId + " overflowed 2^31-1");
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
