package io.loomtunnel.bench.e2e;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * What the load generator and the echo service say to each other: every connection starts with one
 * mode byte; sizes travel up front so that no mode needs a half-close, which relays handle differently.
 */
final class Echo {
    /** Echoes every byte until EOF (latency, streams); messages of a few KiB at most. */
    static final byte ECHO = 'E';
    static final int ECHO_BUFFER = 8 * 1024;
    /** Echoes {@link #CONNECT_SIZE} bytes, then closes first, so TIME_WAIT stays off the ephemeral ports (connections). */
    static final byte CONNECT = 'C';
    static final int CONNECT_SIZE = 64;
    /** Reads a length, then that many bytes, and answers one byte (upload). */
    static final byte SINK = 'S';
    /** Reads a length, then writes that many bytes (download). */
    static final byte SOURCE = 'G';
    static final int CHUNK = 64 * 1024;
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final int TIMEOUT_MS = 30_000;

    private Echo() {}

    /** A loopback connection with Nagle off and a read timeout, so no load loop can hang on a dead peer. */
    static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.setSoTimeout(TIMEOUT_MS);
        s.connect(new InetSocketAddress(LOOPBACK, port), TIMEOUT_MS);
        return s;
    }

    /** Sends a mode byte and a length in one write. */
    static void header(OutputStream out, byte mode, long length) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeByte(mode);
        data.writeLong(length);
        data.flush();
    }

    static long readLength(InputStream in) throws IOException {
        return new DataInputStream(in).readLong();
    }

    /** Writes {@code length} bytes from {@code chunk}, repeated. */
    static void send(OutputStream out, byte[] chunk, long length) throws IOException {
        for (long left = length; left > 0; ) {
            int n = (int) Math.min(left, chunk.length);
            out.write(chunk, 0, n);
            left -= n;
        }
        out.flush();
    }

    /** Reads exactly {@code length} bytes into {@code buffer}, repeatedly; fails on an early EOF. */
    static void receive(InputStream in, byte[] buffer, long length) throws IOException {
        for (long left = length; left > 0; ) {
            int n = in.read(buffer, 0, (int) Math.min(left, buffer.length));
            if (n < 0) {
                throw new IOException("EOF with " + left + " of " + length + " bytes still to come");
            }
            left -= n;
        }
    }
}
