package io.loomtunnel.internal.tunnel;

import static io.loomtunnel.internal.net.Closeables.closeQuietly;
import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.concurrent.Joins;
import io.loomtunnel.internal.metrics.Tally;
import io.loomtunnel.mux.MuxStream;
import io.loomtunnel.mux.StreamResetException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Joins a TCP socket and a stream: bytes flow both ways until both directions have ended. An end
 * of input on one side becomes a half-close on the other (FIN, or shutdownOutput), so protocols
 * that half-close keep working; an error on either side aborts both (RST on the stream, and the
 * socket closed at once). Bytes are counted once per buffer copied, after the write that
 * forwarded them, so counts are exact and cost nothing per byte.
 *
 * <p>Threads: the caller's (owned by whoever called) and one helper named after it ({@code
 * "<caller's name>-down"}), which {@link #run} always joins before it returns, so the caller's
 * owner owns it too. Interrupting the caller (its owner closing) aborts both directions, and so
 * does an {@link IdleWatch} (from its own thread) when neither direction moves for its timeout. No lock.
 */
public final class Splice {
    /**
     * First buffer of the socket → stream direction: small, so 10,000 idle connections cost little
     * (bulk data doubles it in a few reads). The other direction has none: it writes received
     * payloads where they lie ({@link MuxStream#receive}).
     */
    private static final int MIN_BUFFER = 2 * 1024;
    /** Largest buffer: one whole DATA frame of bulk data per read and write. */
    private static final int MAX_BUFFER = 64 * 1024;

    private Splice() {}

    /**
     * Runs on the calling thread (socket → stream) and one more virtual thread (stream → socket);
     * returns when both end.
     *
     * @param fromSocket counts the bytes forwarded from the socket to the stream
     * @param toSocket counts the bytes forwarded from the stream to the socket
     * @return true if both directions ended cleanly, false if the splice was aborted
     */
    public static boolean run(Socket socket, MuxStream stream, Tally fromSocket, Tally toSocket) {
        return run(socket, stream, fromSocket, toSocket, null, null);
    }

    /**
     * Like {@link #run(Socket, MuxStream, Tally, Tally)}, and aborted by {@code idle} (if not null)
     * once neither direction has moved a byte for its timeout.
     *
     * @param resetByPeer if not null, told the code of the peer's RST when that is what aborted the splice
     * @return true if both directions ended cleanly, false if the splice was aborted (idle included)
     */
    public static boolean run(Socket socket, MuxStream stream, Tally fromSocket, Tally toSocket, IdleWatch idle,
                              Consumer<ErrorCode> resetByPeer) {
        return run(socket, stream, fromSocket, toSocket, idle, resetByPeer, SpliceTap.NONE);
    }

    /**
     * Like {@link #run(Socket, MuxStream, Tally, Tally, IdleWatch, Consumer)}, {@code tap} seeing
     * the bytes (stream to socket as the service's input, socket to stream as its output) and told
     * how the splice ended.
     */
    public static boolean run(Socket socket, MuxStream stream, Tally fromSocket, Tally toSocket, IdleWatch idle,
                              Consumer<ErrorCode> resetByPeer, SpliceTap tap) {
        AtomicBoolean aborted = new AtomicBoolean();
        AtomicReference<ErrorCode> peerCode = new AtomicReference<>();
        Runnable abort = () -> {
            aborted.set(true);
            abort(socket, stream);
        };
        Consumer<IOException> failed = e -> {
            if (e instanceof StreamResetException r && r.byPeer()) {
                peerCode.compareAndSet(null, r.code());
            }
            abort.run();
        };
        IdleWatch.Watched watched = idle == null ? null : idle.watch(abort);
        Runnable moved = watched == null ? () -> {} : watched::moved;
        Thread back = Thread.ofVirtual().name(Thread.currentThread().getName() + "-down")
                .start(() -> streamToSocket(stream, socket, toSocket, moved, failed, tap));
        socketToStream(socket, stream, fromSocket, moved, failed, tap);
        Joins.joinAborting(back, abort);
        if (watched != null) {
            watched.close();
        }
        if (resetByPeer != null && peerCode.get() != null) {
            resetByPeer.accept(peerCode.get());
        }
        closeQuietly(socket);
        try {
            stream.close();
        } catch (IOException ignored) {
            // already reset or the session is gone
        }
        tap.ended(!aborted.get());
        return !aborted.get();
    }

    private static void socketToStream(Socket socket, MuxStream stream, Tally counter, Runnable moved, Consumer<IOException> failed,
                                       SpliceTap tap) {
        try {
            copy(socket.getInputStream(), stream.output(), counter, moved, tap);
            stream.shutdownOutput();
        } catch (IOException e) {
            failed.accept(e);
        }
    }

    /**
     * Writes each received payload to the socket where it lies (no buffer of the splice's, no
     * copy), {@code tap} seeing it first as the service's input.
     */
    private static void streamToSocket(MuxStream stream, Socket socket, Tally counter, Runnable moved, Consumer<IOException> failed,
                                       SpliceTap tap) {
        try {
            OutputStream toService = socket.getOutputStream();
            OutputStream forward = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] bytes, int offset, int length) throws IOException {
                    moved.run();
                    tap.toService(bytes, offset, length);
                    toService.write(bytes, offset, length);
                    counter.add(length);
                    moved.run();
                }
            };
            while (stream.receive(forward) >= 0) {
                // each payload went out in receive
            }
            socket.shutdownOutput();
        } catch (IOException e) {
            failed.accept(e);
        }
    }

    /**
     * Copies until end of input; a read that fills the buffer means more is waiting, so the buffer
     * doubles. {@code tap} sees each buffer after it is written, as the service's output.
     */
    private static void copy(InputStream in, OutputStream out, Tally counter, Runnable moved, SpliceTap tap)
            throws IOException {
        byte[] buffer = new byte[MIN_BUFFER];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            moved.run();
            out.write(buffer, 0, n);
            counter.add(n);
            tap.fromService(buffer, 0, n);
            moved.run();
            if (n == buffer.length && buffer.length < MAX_BUFFER) {
                buffer = new byte[buffer.length * 2];
            }
        }
    }

    /** One side failed: abort both, so neither direction waits for ever. */
    private static void abort(Socket socket, MuxStream stream) {
        try {
            stream.reset(ErrorCode.CANCEL);
        } catch (IOException ignored) {
            // the session is gone: the stream is dead already
        }
        try {
            socket.setSoLinger(true, 0); // close with RST: the socket's peer sees an abort, not a clean end
        } catch (IOException ignored) {
            // closed already
        }
        closeQuietly(socket);
    }
}
