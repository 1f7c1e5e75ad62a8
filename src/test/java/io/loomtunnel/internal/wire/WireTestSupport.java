package io.loomtunnel.internal.wire;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Helpers shared by the wire tests: hex literals, encoding through FrameWriter, decoding everything. */
final class WireTestSupport {
    private WireTestSupport() {}

    /** Bytes from hex as written in docs/protocol/SESSION.md; spaces are ignored. */
    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    /** The bytes FrameWriter puts on the wire for these frames, in order. */
    static byte[] encode(Frame... frames) {
        return encode(List.of(frames));
    }

    static byte[] encode(List<Frame> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FrameWriter writer = new FrameWriter(out);
        try {
            for (Frame f : frames) {
                writer.write(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("a ByteArrayOutputStream does not fail", e);
        }
        return out.toByteArray();
    }

    /** Reads frames until the reader reports a clean end (null). Exceptions propagate. */
    static List<Frame> decodeAll(byte[] bytes) throws IOException {
        FrameReader reader = new FrameReader(new ByteArrayInputStream(bytes));
        List<Frame> frames = new ArrayList<>();
        for (Frame f = reader.read(); f != null; f = reader.read()) {
            frames.add(f);
        }
        return frames;
    }

    /**
     * An input stream over a byte array that counts what it hands out and remembers the largest
     * length any caller asked for in one read, readNBytes or skip call; that length is what a
     * reader may allocate for a buffer.
     */
    static final class RecordingInputStream extends InputStream {
        private final byte[] data;
        private int position;
        private long largestRequest;

        RecordingInputStream(byte[] data) {
            this.data = data;
        }

        /** Bytes handed out so far. */
        int position() {
            return position;
        }

        boolean atEnd() {
            return position == data.length;
        }

        long largestRequest() {
            return largestRequest;
        }

        private int take(int len) {
            largestRequest = Math.max(largestRequest, len);
            return Math.min(len, data.length - position);
        }

        @Override
        public int read() {
            largestRequest = Math.max(largestRequest, 1);
            return position < data.length ? data[position++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            int n = take(len);
            if (n == 0) {
                return -1;
            }
            System.arraycopy(data, position, b, off, n);
            position += n;
            return n;
        }

        @Override
        public int readNBytes(byte[] b, int off, int len) {
            int n = take(len);
            System.arraycopy(data, position, b, off, n);
            position += n;
            return n;
        }

        @Override
        public byte[] readNBytes(int len) {
            int n = take(len);
            byte[] b = new byte[n];
            System.arraycopy(data, position, b, 0, n);
            position += n;
            return b;
        }

        @Override
        public byte[] readAllBytes() {
            return readNBytes(Integer.MAX_VALUE);
        }

        @Override
        public long skip(long n) {
            int k = take((int) Math.min(Math.max(n, 0), Integer.MAX_VALUE));
            position += k;
            return k;
        }

        @Override
        public int available() {
            return data.length - position;
        }
    }
}
