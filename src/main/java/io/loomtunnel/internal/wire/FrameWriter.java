package io.loomtunnel.internal.wire;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Encodes frames onto one output stream for many writer threads, coalescing small frames.
 *
 * <p>Each frame is copied into a buffer under {@link #lock}. A writer that finds other writers
 * queued on the lock leaves the buffer for them; the last writer in line flushes it. So frames
 * that many streams write at the same moment leave in one socket (or TLS) write, and a lone
 * frame leaves at once.
 *
 * <p>The buffer comes from a shared {@link BufferPool} when there is something to encode and goes
 * back once it has been sent, so an idle connection holds none.
 *
 * <p>Locking: {@code lock} guards {@code buffer}, {@code position}, {@code failure} and the
 * output stream. It is held during socket writes; closing the socket is what wakes a writer
 * blocked there, and every writer queued behind it then fails with the same exception.
 */
public final class FrameWriter {
    /** Buffer size: two maximum frames, so a full DATA frame never has to be split across flushes. */
    private static final int BUFFER_SIZE = 2 * (Wire.HEADER_SIZE + Wire.MAX_PAYLOAD);
    private static final BufferPool BUFFERS = BufferPool.perProcessor(BUFFER_SIZE);

    private final OutputStream out;
    private final ReentrantLock lock = new ReentrantLock();
    private byte[] buffer; // null while nothing is buffered: see releaseBuffer()
    private int position;
    private IOException failure;

    public FrameWriter(OutputStream out) {
        this.out = out;
    }

    /** Writes a DATA frame straight from the caller's array (no intermediate Frame object). */
    public void writeData(int streamId, int flags, byte[] bytes, int offset, int length) throws IOException {
        writeData(streamId, flags, bytes, offset, length, false);
    }

    /**
     * Writes a DATA frame; with {@code more}, the caller promises another frame (or a
     * {@link #flush()}) right after, so this one may wait in the buffer to leave with it.
     */
    public void writeData(int streamId, int flags, byte[] bytes, int offset, int length, boolean more) throws IOException {
        if (length > Wire.MAX_PAYLOAD) {
            throw new IllegalArgumentException("DATA payload of " + length + " bytes exceeds " + Wire.MAX_PAYLOAD);
        }
        encode(FrameType.DATA, flags, streamId, bytes, offset, length, more);
    }

    /** Writes any frame. */
    public void write(Frame frame) throws IOException {
        byte[] p = frame.payload();
        encode(frame.type(), frame.flags(), frame.streamId(), p, 0, p.length, false);
    }

    /** Sends whatever is buffered. */
    public void flush() throws IOException {
        lock.lock();
        try {
            if (failure == null) {
                flushBuffer();
            }
        } catch (IOException e) {
            failure = e;
            throw e;
        } finally {
            releaseBuffer();
            lock.unlock();
        }
    }

    private void encode(FrameType type, int flags, int streamId, byte[] payload, int offset, int length, boolean more)
            throws IOException {
        lock.lock();
        try {
            if (failure != null) {
                throw new IOException("connection is broken: " + failure.getMessage(), failure);
            }
            try {
                if (BUFFER_SIZE - position < Wire.HEADER_SIZE + length) {
                    flushBuffer();
                }
                if (buffer == null) {
                    buffer = BUFFERS.acquire();
                }
                byte[] b = buffer;
                int at = position;
                b[at] = (byte) (length >>> 16);
                b[at + 1] = (byte) (length >>> 8);
                b[at + 2] = (byte) length;
                b[at + 3] = (byte) type.code;
                b[at + 4] = (byte) flags;
                Bytes.writeInt32(b, at + 5, streamId);
                System.arraycopy(payload, offset, b, at + Wire.HEADER_SIZE, length);
                position = at + Wire.HEADER_SIZE + length;
                if (!more && !lock.hasQueuedThreads()) {
                    flushBuffer();
                }
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        } finally {
            releaseBuffer();
            lock.unlock();
        }
    }

    private void flushBuffer() throws IOException {
        if (position > 0) {
            int n = position;
            position = 0; // a failed write is not retried: the writer is broken from then on
            out.write(buffer, 0, n);
        }
        out.flush();
    }

    /** Returns the buffer to the pool once it is empty, unless a queued writer is about to fill it again. */
    private void releaseBuffer() {
        if (buffer != null && position == 0 && !lock.hasQueuedThreads()) {
            BUFFERS.release(buffer);
            buffer = null;
        }
    }
}
