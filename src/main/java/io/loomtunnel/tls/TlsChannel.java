package io.loomtunnel.tls;

import static io.loomtunnel.internal.net.Closeables.closeQuietly;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.TlsProtocol;

/**
 * An established TLS 1.3 connection to an authenticated peer. One thread may read while another
 * writes; concurrent writers are serialised. Each {@code output().write} is encrypted and sent at
 * once (no flush needed), as one send() when it fits 128 KiB.
 *
 * <p>Threads: whoever reads is the socket's only reader (the session reader, once a session
 * runs on it). {@link #close} starts one short-lived watchdog ({@code "loomtunnel tls PEER:
 * close_notify watchdog"}) that cuts the socket if the close_notify cannot leave within
 * {@value #CLOSE_NOTIFY_GRACE_MILLIS} ms, and ends and joins it before returning.
 *
 * <p>Locking: {@code writeLock} serializes writers and the close_notify; it is held across the
 * socket write (closing the socket is what wakes a writer blocked there; {@link #close} does that
 * at once when it cannot take the lock). Lock order: {@code writeLock}, then
 * {@link SocketOutput}'s lock; callers above (the multiplexer's FrameWriter) hold theirs first.
 * {@code closed} makes close run once.
 */
public final class TlsChannel implements Closeable {

    /** How long close() waits to send close_notify to a peer that does not read before cutting. */
    static final long CLOSE_NOTIFY_GRACE_MILLIS = 1000;

    private final Socket socket;
    private final TlsProtocol protocol;
    private final SocketOutput socketOutput;
    private final PeerId peer;
    private final int cipherSuite;
    private final ProtocolVersion version;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final InputStream input = new Input();
    private final OutputStream output = new Output();

    TlsChannel(Socket socket, TlsProtocol protocol, SocketOutput socketOutput, PeerAuth auth) {
        this.socket = socket;
        this.protocol = protocol;
        this.socketOutput = socketOutput;
        this.peer = auth.peer();
        SecurityParameters params = auth.negotiated();
        this.cipherSuite = params.getCipherSuite();
        this.version = params.getNegotiatedVersion();
    }

    /**
     * Decrypted bytes from the peer; -1 once the peer closed cleanly (close_notify).
     *
     * @return the plaintext input
     */
    public InputStream input() {
        return input;
    }

    /**
     * Bytes to encrypt and send; each write goes out before it returns.
     *
     * @return the plaintext output
     */
    public OutputStream output() {
        return output;
    }

    /**
     * The peer's id, proven by its handshake signature and accepted by the verifier.
     *
     * @return the peer's id
     */
    public PeerId peerId() {
        return peer;
    }

    /**
     * The socket underneath, e.g. for its addresses; reading or writing it directly breaks the channel.
     *
     * @return the socket
     */
    public Socket socket() {
        return socket;
    }

    /**
     * The negotiated suite's IANA name, e.g. {@code TLS_AES_256_GCM_SHA384}.
     *
     * @return the suite's name
     */
    public String cipherSuite() {
        return TlsBackend.suiteName(cipherSuite);
    }

    ProtocolVersion protocolVersion() {
        return version;
    }

    /**
     * Sends close_notify and closes the socket. Idempotent. Safe from any thread: blocked readers
     * and writers fail with an IOException. If a write is in progress or the peer does not take the
     * close_notify within a second, the socket is closed without it.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (!writeLock.tryLock()) {
            closeQuietly(socket); // a writer is blocked in send(): cut to wake it
            return;
        }
        Thread watchdog = Thread.ofVirtual().name(OwnedThreads.THREAD_NAME_PREFIX + "tls " + peer.abbreviated()
                + ": close_notify watchdog").start(() -> {
            try {
                Thread.sleep(CLOSE_NOTIFY_GRACE_MILLIS);
                closeQuietly(socket);
            } catch (InterruptedException done) {
                // close_notify went out in time.
            }
        });
        try {
            protocol.close();
        } catch (IOException ignored) {
            // The peer is gone already; the socket is closed below either way.
        } finally {
            writeLock.unlock();
            watchdog.interrupt();
            closeQuietly(socket);
            joinQuietly(watchdog);
        }
    }

    /** The watchdog was interrupted: it ends at once. */
    private static void joinQuietly(Thread watchdog) {
        try {
            watchdog.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "TlsChannel[" + TlsHandshake.address(socket.getRemoteSocketAddress()) + ", peer "
                + peer.abbreviated() + ", " + cipherSuite() + "]";
    }

    private final class Input extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            return protocol.readApplicationData(b, off, len);
        }

        @Override
        public int available() {
            return protocol.applicationDataAvailable();
        }

        @Override
        public void close() {
            TlsChannel.this.close();
        }
    }

    private final class Output extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            writeLock.lock();
            try {
                if (closed.get()) {
                    throw new IOException("TLS channel is closed");
                }
                socketOutput.hold();
                try {
                    protocol.writeApplicationData(b, off, len);
                } finally {
                    socketOutput.release();
                }
            } finally {
                writeLock.unlock();
            }
        }

        @Override
        public void close() {
            TlsChannel.this.close();
        }
    }
}
