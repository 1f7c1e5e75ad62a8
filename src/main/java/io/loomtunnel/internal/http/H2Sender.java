package io.loomtunnel.internal.http;

import io.loomtunnel.internal.h2.Frame;
import io.loomtunnel.internal.h2.FrameOutput;
import io.loomtunnel.internal.h2.Frames;
import io.loomtunnel.internal.h2.HeaderField;
import io.loomtunnel.internal.h2.HpackEncoder;
import io.loomtunnel.internal.h2.SendWindows;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * What an HTTP/2 connection sends, and the send windows that pace it (RFC 9113 6.9): frames go out
 * in whole groups through the connection's {@link VisitorOutput} (whose every write has the send
 * timeout's deadline, kept by the ingress's watchdog), DATA only within the connection's and the
 * stream's windows, waited for at most the send timeout.
 *
 * <p>Locking: {@link FrameOutput}'s lock (a leaf) keeps each frame group whole on the wire; the
 * windows' own lock ({@link SendWindows}) is never held while writing.
 */
final class H2Sender {
    private final VisitorOutput out;
    private final FrameOutput output;
    private final SendWindows windows;

    H2Sender(VisitorOutput out, Duration sendTimeout) {
        this.out = out;
        this.output = new FrameOutput(out);
        this.windows = new SendWindows(sendTimeout, H2Connection.MAX_FRAME);
    }

    /** The connection's send windows (the stream's window comes from {@link SendWindows#open}). */
    SendWindows windows() {
        return windows;
    }

    /**
     * Writes frames together ({@link FrameOutput}: concurrent streams share a socket write); a
     * visitor that does not take them within the send timeout loses the connection.
     */
    void write(byte[]... frames) throws IOException {
        output.writeMade(() -> {
            out.resetPace();
            return frames;
        });
    }

    /** A header block as HEADERS and as many CONTINUATIONs as its size needs, all together. */
    void writeHeaders(int stream, List<HeaderField> fields, boolean endStream) throws IOException {
        write(headerFrames(stream, fields, endStream));
    }

    /**
     * A response's HEADERS (no END_STREAM) and, in the same write, a DATA frame of as much of
     * {@code data[0, len)} as both windows allow at once (no wait: a visitor that gave no window
     * still gets its HEADERS now); returns how many bytes went. With {@code last} and all of them
     * gone, the DATA ends the stream, and {@code beforeEnd} runs just before it is written.
     */
    int writeHeadersAndData(int stream, List<HeaderField> fields, SendWindows.Window w, byte[] data, int len, boolean last,
            Runnable beforeEnd) throws IOException {
        byte[][] headers = headerFrames(stream, fields, false);
        int n = windows.tryTake(w, len);
        if (n == 0) {
            write(headers);
            return 0;
        }
        boolean end = last && n == len;
        if (end) {
            beforeEnd.run();
        }
        byte[][] frames = Arrays.copyOf(headers, headers.length + 1);
        frames[headers.length] = Frames.frame(Frame.DATA, end ? Frame.END_STREAM : 0, stream, data, 0, n);
        write(frames);
        return n;
    }

    private static byte[][] headerFrames(int stream, List<HeaderField> fields, boolean endStream) {
        return Frames.headers(stream, HpackEncoder.encode(fields), endStream, H2Connection.MAX_FRAME);
    }

    void reset(int stream, int code) throws IOException {
        write(Frames.rstStream(stream, code));
    }

    /**
     * Takes up to {@code want} bytes (at most a frame) of both the connection's and {@code w}'s
     * window, waiting for them up to the send timeout; fails once {@code w} is closed or the
     * connection ends.
     */
    int acquire(SendWindows.Window w, int want) throws IOException {
        int n = windows.take(w, want);
        if (n == 0) {
            throw new IOException("the stream ended");
        }
        if (n < 0) {
            throw new SocketTimeoutException("the visitor gave no window for " + windows.timeout().toSeconds() + " s");
        }
        return n;
    }
}
