package io.loomtunnel.internal.net;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Two connected in-memory endpoints, for running a pair of sessions in one process without
 * sockets: tests, fuzzing, benchmarks of the multiplexer alone. Each direction is a bounded ring
 * buffer; a writer blocks while it is full, a reader while it is empty. Closing an output ends
 * that direction (the reader gets the rest, then end of stream); closing an {@link End} ends
 * both directions and wakes every blocked thread, as a socket's close does.
 */
public final class MemoryConnection {
    /** One side: what it writes the other side reads. */
    public record End(InputStream input, OutputStream output, Closeable closer) implements Closeable {
        @Override
        public void close() throws IOException {
            closer.close();
        }
    }

    private MemoryConnection() {}

    /** Makes a connected pair whose directions each buffer up to {@code capacity} bytes. */
    public static End[] pair(int capacity) {
        Ring aToB = new Ring(capacity);
        Ring bToA = new Ring(capacity);
        Closeable closeBoth = () -> {
            aToB.close();
            bToA.close();
        };
        return new End[] {
            new End(bToA.input(), aToB.output(), closeBoth),
            new End(aToB.input(), bToA.output(), closeBoth)
        };
    }

    /**
     * One direction: a ring buffer. Locking: {@code lock} guards every field; readers wait on
     * {@code readable}, writers on {@code writable}.
     */
    private static final class Ring {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition readable = lock.newCondition();
        private final Condition writable = lock.newCondition();
        private final byte[] buffer;
        private int head;
        private int size;
        private boolean closed;

        Ring(int capacity) {
            buffer = new byte[capacity];
        }

        void close() {
            lock.lock();
            try {
                closed = true;
                readable.signalAll();
                writable.signalAll();
            } finally {
                lock.unlock();
            }
        }

        int read(byte[] b, int off, int len) throws IOException {
            lock.lock();
            try {
                while (size == 0) {
                    if (closed) {
                        return -1;
                    }
                    readable.await();
                }
                int n = Math.min(len, size);
                int first = Math.min(n, buffer.length - head);
                System.arraycopy(buffer, head, b, off, first);
                System.arraycopy(buffer, 0, b, off + first, n - first);
                head = (head + n) % buffer.length;
                size -= n;
                writable.signalAll();
                return n;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException();
            } finally {
                lock.unlock();
            }
        }

        void write(byte[] b, int off, int len) throws IOException {
            lock.lock();
            try {
                while (len > 0) {
                    while (size == buffer.length && !closed) {
                        writable.await();
                    }
                    if (closed) {
                        throw new IOException("connection closed");
                    }
                    int tail = (head + size) % buffer.length;
                    int n = Math.min(len, Math.min(buffer.length - size, buffer.length - tail));
                    System.arraycopy(b, off, buffer, tail, n);
                    size += n;
                    off += n;
                    len -= n;
                    readable.signalAll();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException();
            } finally {
                lock.unlock();
            }
        }

        InputStream input() {
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return Ring.this.read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    java.util.Objects.checkFromIndexSize(off, len, b.length);
                    return len == 0 ? 0 : Ring.this.read(b, off, len);
                }

                @Override
                public void close() {
                    Ring.this.close();
                }
            };
        }

        OutputStream output() {
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    Ring.this.write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    java.util.Objects.checkFromIndexSize(off, len, b.length);
                    Ring.this.write(b, off, len);
                }

                @Override
                public void close() {
                    Ring.this.close();
                }
            };
        }
    }
}
