package io.loomtunnel.soak;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * One TCP connection through a tunnel to an {@link EchoService}: a 16-byte header (magic, and where
 * the service is to reset the connection, or -1), then {@code size} bytes of {@link Payload}
 * written (paced) by a second thread while this one reads the echo back and checks every byte.
 * Bounded: connect 10 s, each read {@code readTimeoutMs}, the whole exchange a deadline from its size.
 */
final class TcpExchange {
    static final long MAGIC = 0x534f414b54435031L; // "SOAKTCP1"
    static final int HEADER = 16;
    private static final int CONNECT_TIMEOUT_MS = 10_000;
    private static final int CHUNK = 32 << 10;

    /** How the exchange is meant to end. */
    enum Mode {
        /** Every byte there and back, then a clean end. */
        WHOLE,
        /** We reset the connection (SO_LINGER 0, close) part way: a deliberately killed stream. */
        WE_RESET,
        /** The service resets it after echoing {@code resetAt} bytes: deliberately killed too. */
        SERVICE_RESETS
    }

    /** How it ended: {@code checked} payload bytes came back intact; a non-null {@code corrupt} or {@code cut} says what went wrong. */
    record Result(long checked, String corrupt, String cut) {
        boolean whole() {
            return corrupt == null && cut == null;
        }
    }

    private TcpExchange() {}

    /**
     * Runs one exchange. {@code resetAt} (payload bytes) matters for the two reset modes;
     * {@code rate} is bytes per second written (0: as fast as the connection takes them).
     */
    static Result run(InetSocketAddress target, long seed, long size, Mode mode, long resetAt, long rate, int readTimeoutMs)
            throws InterruptedException {
        Socket s = new Socket();
        try {
            s.connect(target, CONNECT_TIMEOUT_MS);
            s.setSoTimeout(readTimeoutMs);
        } catch (IOException e) {
            closeQuietly(s);
            return new Result(0, null, "connect: " + e.getMessage());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120 + (rate > 0 ? 2 * size / rate : 0));
        byte[] header = ByteBuffer.allocate(HEADER).putLong(MAGIC).putLong(mode == Mode.SERVICE_RESETS ? resetAt : -1).array();
        String[] writeError = new String[1];
        Thread writer = Thread.ofVirtual().name("soak writer").start(() -> {
            try {
                write(s, header, seed, size, mode == Mode.WE_RESET ? resetAt : -1, rate);
            } catch (IOException e) {
                writeError[0] = e.getMessage();
            } catch (InterruptedException e) {
                writeError[0] = "interrupted";
            }
        });
        long expected = HEADER + (mode == Mode.SERVICE_RESETS ? Math.min(resetAt, size) : size);
        long position = 0;
        String corrupt = null;
        String ended = null;
        byte[] buf = new byte[64 << 10];
        try {
            InputStream in = s.getInputStream();
            for (int n; (n = in.read(buf)) >= 0; ) {
                if (position + n > expected) {
                    corrupt = "got " + (position + n) + " bytes back, more than the " + expected + " sent";
                    break;
                }
                int bad = mismatch(header, seed, position, buf, n);
                if (bad >= 0) {
                    corrupt = "at byte " + (position + bad) + " of " + expected;
                    break;
                }
                position += n;
                if (System.nanoTime() > deadline) {
                    ended = "too slow: " + position + " of " + expected + " bytes by its deadline";
                    break;
                }
            }
            if (corrupt == null && ended == null && position < expected) {
                ended = "the connection ended after " + position + " of " + expected + " bytes";
            }
        } catch (IOException e) {
            ended = e.getMessage() + " after " + position + " of " + expected + " bytes";
        }
        if (corrupt == null && ended == null) {
            writer.join(TimeUnit.SECONDS.toMillis(30)); // it has written everything: we got it all back
        }
        closeQuietly(s);
        writer.join(TimeUnit.SECONDS.toMillis(30)); // a blocked write fails once the socket is closed
        long checked = Math.max(0, position - HEADER);
        if (corrupt != null) {
            return new Result(checked, corrupt, null);
        }
        if (ended != null && mode == Mode.WHOLE && writeError[0] != null) {
            ended += " (writing: " + writeError[0] + ")";
        }
        return new Result(checked, null, ended);
    }

    /** The header, then payload paced to {@code rate}; resets the connection after {@code resetAt} payload bytes (if >= 0). */
    private static void write(Socket s, byte[] header, long seed, long size, long resetAt, long rate)
            throws IOException, InterruptedException {
        OutputStream out = s.getOutputStream();
        out.write(header);
        byte[] chunk = new byte[CHUNK];
        long started = System.nanoTime();
        for (long sent = 0; sent < size; ) {
            if (resetAt >= 0 && sent >= resetAt) {
                s.setSoLinger(true, 0);
                s.close();
                return;
            }
            int n = (int) Math.min(CHUNK, size - sent);
            if (resetAt >= 0) {
                n = (int) Math.min(n, Math.max(1, resetAt - sent));
            }
            Payload.fill(seed, sent, chunk, 0, n);
            out.write(chunk, 0, n);
            sent += n;
            if (rate > 0) {
                long ahead = sent * 1_000_000_000L / rate - (System.nanoTime() - started);
                if (ahead > 0) {
                    Thread.sleep(ahead / 1_000_000, (int) (ahead % 1_000_000));
                }
            }
        }
        s.shutdownOutput();
    }

    /** Index of the first wrong byte in {@code buf[0, n)}, which holds the bytes at {@code position} of header then payload; or -1. */
    private static int mismatch(byte[] header, long seed, long position, byte[] buf, int n) {
        int i = 0;
        for (; i < n && position + i < HEADER; i++) {
            if (buf[i] != header[(int) (position + i)]) {
                return i;
            }
        }
        if (i == n) {
            return -1;
        }
        int bad = Payload.mismatch(seed, position + i - HEADER, buf, i, n - i);
        return bad < 0 ? -1 : i + bad;
    }

    static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }
}
