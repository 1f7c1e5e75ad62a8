package io.loomtunnel.internal.http;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * A bounded in-process byte pipe between two threads of one HTTP/2 stream: a ring of
 * {@code capacity} bytes. The writer either waits for room ({@link #write}) or must never wait
 * ({@link #offer}: the h2 reader thread, whose peer may not send more than the room it was given);
 * the reader waits with a timeout, as a socket read does. {@link #finish} is the writer's end of
 * stream; {@link #abort} fails both sides (a reset stream).
 *
 * <p>Locking: one lock of its own, a leaf; {@code onRead} runs after it is released.
 */
final class BytePipe {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final Condition writable = lock.newCondition();
    private final int capacity;
    private byte[] ring; // guarded by lock; made on the first write unless given
    private final IntConsumer onRead;
    private int head; // next byte to read
    private int count;
    private boolean finished;
    private boolean aborted;
    private volatile long timeoutNanos; // 0: none

    /**
     * {@code onRead}: told how many bytes each read took (for flow-control credit). The ring is
     * allocated by the first write: a request without body never needs one.
     */
    BytePipe(int capacity, IntConsumer onRead) {
        this.capacity = capacity;
        this.onRead = onRead;
    }

    /** Over {@code ring}, which it owns until it is dropped (a set of buffers an HTTP/2 connection reuses). */
    BytePipe(byte[] ring, IntConsumer onRead) {
        this(ring.length, onRead);
        this.ring = ring;
    }

    /** The read timeout, as Socket.setSoTimeout; zero waits without end. */
    void setTimeoutMillis(int millis) {
        timeoutNanos = TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** Adds all of {@code b[off, off+len)} without waiting; false (nothing added) if it does not fit or the pipe is closed. */
    boolean offer(byte[] b, int off, int len) {
        lock.lock();
        try {
            if (aborted || finished || len > capacity - count) {
                return false;
            }
            put(b, off, len);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Adds all of {@code b[off, off+len)}, waiting for room; fails once the pipe is aborted or finished. */
    void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            lock.lock();
            try {
                while (count == capacity && !aborted && !finished) {
                    writable.await();
                }
                if (aborted || finished) {
                    throw new IOException("the HTTP/2 stream was reset");
                }
                int n = Math.min(len, capacity - count);
                put(b, off, n);
                off += n;
                len -= n;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted writing to an HTTP/2 stream");
            } finally {
                lock.unlock();
            }
        }
    }

    /** Like InputStream.read: -1 once finished and drained; SocketTimeoutException after the timeout. */
    int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        int n;
        lock.lock();
        try {
            long timeout = timeoutNanos;
            long left = timeout;
            while (count == 0 && !finished && !aborted) {
                if (timeout == 0) {
                    readable.await();
                } else {
                    if (left <= 0) {
                        throw new SocketTimeoutException("HTTP/2 stream read timed out");
                    }
                    left = readable.awaitNanos(left);
                }
            }
            if (aborted) {
                throw new IOException("the HTTP/2 stream was reset");
            }
            if (count == 0) {
                return -1;
            }
            n = Math.min(len, count);
            int first = Math.min(n, ring.length - head);
            System.arraycopy(ring, head, b, off, first);
            System.arraycopy(ring, 0, b, off + first, n - first);
            head = (head + n) % capacity;
            count -= n;
            writable.signalAll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted reading an HTTP/2 stream");
        } finally {
            lock.unlock();
        }
        onRead.accept(n);
        return n;
    }

    /** The writer's end of stream: the reader gets -1 after what is buffered. */
    void finish() {
        lock.lock();
        try {
            finished = true;
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Fails every read and write from now on, buffered bytes dropped. */
    void abort() {
        lock.lock();
        try {
            aborted = true;
            count = 0;
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean finished() {
        lock.lock();
        try {
            return finished;
        } finally {
            lock.unlock();
        }
    }

    private void put(byte[] b, int off, int len) {
        if (ring == null) {
            ring = new byte[capacity];
        }
        int tail = (head + count) % capacity;
        int first = Math.min(len, ring.length - tail);
        System.arraycopy(b, off, ring, tail, first);
        System.arraycopy(b, off + first, ring, 0, len - first);
        count += len;
        readable.signalAll();
    }
}
