package io.loomtunnel.mux;

import io.loomtunnel.internal.wire.BufferPool;
import io.loomtunnel.internal.wire.ProtocolException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The receive half of a stream: DATA payloads the session reader delivered and the application
 * has not yet read, plus the stream's {@link ReceiveWindow}. Payload arrays are queued as they
 * arrived (no copy on delivery, no preallocated ring), so an idle stream holds no buffer at all.
 * A bulk payload read to the end, or dropped, goes back to the pool the session's
 * {@link io.loomtunnel.internal.wire.FrameReader} took it from; nothing here keeps a reference to
 * it after that.
 *
 * <p>Locking: {@code lock} guards every field. The session reader calls {@link #deliver},
 * {@link #finish} and {@link #fail} and never waits here; application threads wait in
 * {@link #read} on {@code readable}.
 */
final class InboundBuffer {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final ReceiveWindow window;
    private final BufferPool bulkPayloads;
    private ArrayDeque<byte[]> chunks; // created on first data: idle streams stay small
    private int headOffset;
    private long buffered;
    private boolean finished;
    private IOException failure;

    /**
     * @param bulkPayloads where DATA payloads of its array size go once read or dropped
     */
    InboundBuffer(ReceiveWindow window, BufferPool bulkPayloads) {
        this.window = window;
        this.bulkPayloads = bulkPayloads;
    }

    /** Queues a DATA payload; throws if it overruns the window. Called by the session reader only. */
    void deliver(int streamId, byte[] payload) throws ProtocolException {
        lock.lock();
        try {
            window.onData(streamId, payload.length);
            if (failure != null || finished) {
                giveBack(payload);
                return; // nobody will read it; the window accounting above still holds
            }
            if (chunks == null) {
                chunks = new ArrayDeque<>(4);
            }
            chunks.addLast(payload);
            buffered += payload.length;
            readable.signal();
        } finally {
            lock.unlock();
        }
    }

    /** The peer sent FIN: readers get what is buffered, then end of stream. */
    void finish() {
        lock.lock();
        try {
            finished = true;
            readable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Fails the stream's readers with {@code e}.
     *
     * @param discard drop buffered data now (RST) rather than let readers drain it first
     */
    void fail(IOException e, boolean discard) {
        lock.lock();
        try {
            if (failure == null && !(finished && !discard)) {
                failure = e;
            }
            if (discard && chunks != null) {
                for (byte[] dropped; (dropped = chunks.pollFirst()) != null; ) {
                    giveBack(dropped);
                }
                headOffset = 0;
                buffered = 0;
            }
            readable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Bytes buffered and not yet read. */
    long buffered() {
        lock.lock();
        try {
            return buffered;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reads up to {@code len} bytes, waiting while none are buffered.
     *
     * @param timeoutNanos 0 waits for ever (until data, FIN or failure)
     * @param credit receives the window credit to grant the peer for what was read
     * @return bytes read, or -1 at end of stream
     */
    int read(byte[] b, int off, int len, long timeoutNanos, long rttNanos, int[] credit) throws IOException {
        lock.lock();
        try {
            if (!awaitReadable(timeoutNanos)) {
                return -1;
            }
            int copied = 0;
            while (copied < len && !chunks.isEmpty()) {
                byte[] head = chunks.peekFirst();
                int n = Math.min(len - copied, head.length - headOffset);
                System.arraycopy(head, headOffset, b, off + copied, n);
                copied += n;
                headOffset += n;
                if (headOffset == head.length) {
                    giveBack(chunks.pollFirst());
                    headOffset = 0;
                }
            }
            buffered -= copied;
            credit[0] = window.onConsumed(copied, rttNanos);
            return copied;
        } finally {
            lock.unlock();
        }
    }

    /** The unread part of a received payload, handed out whole: {@code length} bytes of {@code array} from {@code offset}. */
    record Chunk(byte[] array, int offset, int length) {}

    /**
     * Takes the unread part of the oldest payload, waiting while none is buffered, so that its
     * bytes need not be copied. The caller owns the array until it gives it back with
     * {@link #giveBack}; nothing here refers to it any more.
     *
     * @param timeoutNanos 0 waits for ever (until data, FIN or failure)
     * @param credit receives the window credit to grant the peer for what was taken
     * @return the chunk, or null at end of stream
     */
    Chunk take(long timeoutNanos, long rttNanos, int[] credit) throws IOException {
        lock.lock();
        try {
            if (!awaitReadable(timeoutNanos)) {
                return null;
            }
            byte[] head = chunks.pollFirst();
            Chunk taken = new Chunk(head, headOffset, head.length - headOffset);
            headOffset = 0;
            buffered -= taken.length();
            credit[0] = window.onConsumed(taken.length(), rttNanos);
            return taken;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A payload nothing uses any more (read to the end, dropped, or a taken chunk's array once its
     * taker has used it): back to the pool if it came from there. No lock: the pool is concurrent.
     */
    void giveBack(byte[] payload) {
        if (payload.length == bulkPayloads.arraySize()) {
            bulkPayloads.release(payload);
        }
    }

    /** Waits (holding {@code lock}) until something is buffered; false at the end of the stream. */
    private boolean awaitReadable(long timeoutNanos) throws IOException {
        long nanos = timeoutNanos;
        while (buffered == 0) {
            if (failure != null) {
                throw failure;
            }
            if (finished) {
                return false;
            }
            nanos = Waits.await(readable, timeoutNanos, nanos, "read");
        }
        return true;
    }

    /** Returns the window's growth to the session budget. */
    void release() {
        lock.lock();
        try {
            window.release();
        } finally {
            lock.unlock();
        }
    }
}
