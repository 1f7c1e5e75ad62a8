package io.loomtunnel.tunnel;

import io.loomtunnel.mux.MuxStream;
import io.loomtunnel.wire.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * Joins a TCP socket and a stream: bytes flow both ways until both directions have ended. An end
 * of input on one side becomes a half-close on the other (FIN, or shutdownOutput), so protocols
 * that half-close keep working; an error on either side aborts both (RST on the stream, and the
 * socket closed at once).
 */
public final class Splice {
    /** First buffer per direction: small, so 10,000 idle connections cost little. */
    private static final int MIN_BUFFER = 8 * 1024;
    /** Largest buffer per direction: one whole DATA frame of bulk data per read and write. */
    private static final int MAX_BUFFER = 64 * 1024;

    private Splice() {}

    /** Runs on the calling thread (socket → stream) and one more virtual thread (stream → socket); returns when both end. */
    public static void run(Socket socket, MuxStream stream, String name) {
        Thread back = Thread.ofVirtual().name(name + "-down").start(() -> streamToSocket(stream, socket));
        socketToStream(socket, stream);
        try {
            back.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(socket);
        try {
            stream.close();
        } catch (IOException ignored) {
            // already reset or the session is gone
        }
    }

    private static void socketToStream(Socket socket, MuxStream stream) {
        try {
            copy(socket.getInputStream(), stream.output());
            stream.shutdownOutput();
        } catch (IOException e) {
            abort(socket, stream);
        }
    }

    private static void streamToSocket(MuxStream stream, Socket socket) {
        try {
            copy(stream.input(), socket.getOutputStream());
            socket.shutdownOutput();
        } catch (IOException e) {
            abort(socket, stream);
        }
    }

    /** Copies until end of input; a read that fills the buffer means more is waiting, so the buffer doubles. */
    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[MIN_BUFFER];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            out.write(buffer, 0, n);
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

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
