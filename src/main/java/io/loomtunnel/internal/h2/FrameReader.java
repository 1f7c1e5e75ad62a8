package io.loomtunnel.internal.h2;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads frames one after another from a stream. A frame longer than {@code maxFrameBytes} (our
 * SETTINGS_MAX_FRAME_SIZE) is a FRAME_SIZE_ERROR before any of its payload is read, so nothing
 * larger is ever allocated. Not thread-safe: one reader.
 */
public final class FrameReader {
    /** The 24 bytes every client connection starts with (RFC 9113 3.4). */
    public static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

    private final InputStream in;
    private final int maxFrameBytes;
    private final byte[] header = new byte[9];

    public FrameReader(InputStream in, int maxFrameBytes) {
        this.in = in;
        this.maxFrameBytes = maxFrameBytes;
    }

    /** The next frame, or null at a clean end of stream between frames. */
    public Frame read() throws IOException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        header[0] = (byte) first;
        readFully(header, 1, 8);
        int length = ((header[0] & 0xff) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
        if (length > maxFrameBytes) {
            throw new H2Exception(H2Error.FRAME_SIZE_ERROR, "a frame of " + length + " bytes, over " + maxFrameBytes);
        }
        int stream = ((header[5] & 0x7f) << 24) | ((header[6] & 0xff) << 16) | ((header[7] & 0xff) << 8) | (header[8] & 0xff);
        byte[] payload = new byte[length];
        readFully(payload, 0, length);
        return new Frame(header[3] & 0xff, header[4] & 0xff, stream, payload);
    }

    private void readFully(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n;
            try {
                n = in.read(b, off, len);
            } catch (java.net.SocketTimeoutException e) { // between frames a timeout is the caller's; inside one it is the end
                throw new H2Exception(H2Error.PROTOCOL_ERROR, "a frame cut short for too long");
            }
            if (n < 0) {
                throw new EOFException("end of stream inside a frame");
            }
            off += n;
            len -= n;
        }
    }
}
