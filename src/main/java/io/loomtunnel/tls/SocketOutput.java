package io.loomtunnel.tls;

import io.loomtunnel.internal.wire.BufferPool;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.locks.ReentrantLock;
import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.ContentType;

/**
 * The socket's output as BC's record layer sees it. BC writes and flushes every record (at most
 * 16 KiB of plaintext) on its own. While {@link #hold held}, those flushes are deferred, so that a
 * 64 KiB application write leaves in one send() instead of four (and wakes the peer once), and a
 * handshake flight leaves as one segment instead of one per message. Closing sends what is left
 * before closing the socket, so a fatal alert or close_notify written just before is not lost.
 *
 * <p>The buffer is taken from a shared pool for each batch and given back once it is sent, so an
 * idle connection holds none. Locking: {@code lock} guards {@code buffer}, {@code count},
 * {@code written} and the unsent alert, and is held across the socket write; it is the innermost lock of a connection (taken under
 * {@code TlsChannel.writeLock}, never the other way). {@code held} is volatile: set and cleared by
 * the writer holding {@code TlsChannel.writeLock}, read by BC's flushes.
 */
final class SocketOutput extends OutputStream {

    /** Seven full TLS 1.3 records (16 KiB + 22 bytes each): a 64 KiB write fits with room to spare. */
    static final int CAPACITY = 128 * 1024;
    private static final BufferPool BUFFERS = BufferPool.perProcessor(CAPACITY);
    private static final int NO_ALERT = -1;

    private final OutputStream socket;
    private byte[] buffer; // null whenever count == 0
    private final ReentrantLock lock = new ReentrantLock(); // not synchronized: no pinning on Java 21
    private int count;
    private volatile boolean held;
    private long written; // bytes BC has written so far
    private int unsentAlert = NO_ALERT;
    private long writtenAtAlert;

    SocketOutput(OutputStream socket) {
        this.socket = socket;
    }

    /** Defers BC's flushes until {@link #release}. */
    void hold() {
        held = true;
    }

    /** Sends everything buffered and lets BC's flushes through again. */
    void release() throws IOException {
        held = false;
        push();
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        lock.lock();
        try {
            written += len;
            if (len > CAPACITY - count) {
                drain();
            }
            if (len >= CAPACITY) {
                socket.write(b, off, len);
            } else {
                if (buffer == null) {
                    buffer = BUFFERS.acquire();
                }
                System.arraycopy(b, off, buffer, count, len);
                count += len;
            }
        } finally {
            lock.unlock();
        }
    }

    /** BC calls this after every record. */
    @Override
    public void flush() throws IOException {
        if (!held) {
            push();
        }
    }

    /** Sends everything buffered, held or not. */
    void push() throws IOException {
        lock.lock();
        try {
            drain();
        } finally {
            lock.unlock();
        }
    }

    /**
     * BC raised a fatal alert with {@code description}. If BC writes nothing before it closes this
     * (it writes no record before it has read a ClientHello), {@link #close} sends the alert itself,
     * in a plaintext record with TLS 1.3's record version 0x0303.
     */
    void fatalAlertRaised(short description) {
        lock.lock();
        try {
            unsentAlert = description;
            writtenAtAlert = written;
        } finally {
            lock.unlock();
        }
    }

    /** Closes the socket, after trying to send what is buffered (and an alert BC did not send). */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (unsentAlert != NO_ALERT && written == writtenAtAlert) {
                byte[] alert = {ContentType.alert, 3, 3, 0, 2, AlertLevel.fatal, (byte) unsentAlert};
                unsentAlert = NO_ALERT;
                write(alert, 0, alert.length);
            }
            drain();
        } finally {
            lock.unlock();
            socket.close();
        }
    }

    private void drain() throws IOException {
        if (count > 0) {
            int n = count;
            count = 0; // a failed send must not be retried with stale bytes
            try {
                socket.write(buffer, 0, n);
            } finally {
                BUFFERS.release(buffer);
                buffer = null;
            }
        }
    }
}
