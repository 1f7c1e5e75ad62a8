package io.loomtunnel.internal.h2;

/** Encodes frames (RFC 9113 4.1, 6): the bytes to write, header and payload in one array. */
public final class Frames {
    private Frames() {
    }

    public static byte[] frame(int type, int flags, int stream, byte[] payload, int off, int len) {
        byte[] out = new byte[9 + len];
        out[0] = (byte) (len >>> 16);
        out[1] = (byte) (len >>> 8);
        out[2] = (byte) len;
        out[3] = (byte) type;
        out[4] = (byte) flags;
        putInt(out, 5, stream & 0x7fffffff);
        System.arraycopy(payload, off, out, 9, len);
        return out;
    }

    public static byte[] frame(int type, int flags, int stream, byte[] payload) {
        return frame(type, flags, stream, payload, 0, payload.length);
    }

    /**
     * A header block as one HEADERS frame and as many CONTINUATIONs as it needs at
     * {@code maxFrame} bytes each, END_HEADERS on the last, END_STREAM on the first if asked.
     */
    public static byte[][] headers(int stream, byte[] block, boolean endStream, int maxFrame) {
        int count = Math.max(1, (block.length + maxFrame - 1) / maxFrame);
        byte[][] frames = new byte[count][];
        for (int i = 0; i < count; i++) {
            int off = i * maxFrame;
            int flags = (i == count - 1 ? Frame.END_HEADERS : 0) | (i == 0 && endStream ? Frame.END_STREAM : 0);
            frames[i] = frame(i == 0 ? Frame.HEADERS : Frame.CONTINUATION, flags, stream, block, off, Math.min(maxFrame, block.length - off));
        }
        return frames;
    }

    /** A SETTINGS frame with the given (identifier, value) pairs. */
    public static byte[] settings(int... pairs) {
        byte[] p = new byte[pairs.length / 2 * 6];
        for (int i = 0; i < pairs.length / 2; i++) {
            p[i * 6] = (byte) (pairs[i * 2] >>> 8);
            p[i * 6 + 1] = (byte) pairs[i * 2];
            putInt(p, i * 6 + 2, pairs[i * 2 + 1]);
        }
        return frame(Frame.SETTINGS, 0, 0, p);
    }

    public static byte[] windowUpdate(int stream, int increment) {
        byte[] p = new byte[4];
        putInt(p, 0, increment);
        return frame(Frame.WINDOW_UPDATE, 0, stream, p);
    }

    public static byte[] rstStream(int stream, int code) {
        byte[] p = new byte[4];
        putInt(p, 0, code);
        return frame(Frame.RST_STREAM, 0, stream, p);
    }

    public static byte[] goAway(int lastStream, int code) {
        byte[] p = new byte[8];
        putInt(p, 0, lastStream);
        putInt(p, 4, code);
        return frame(Frame.GOAWAY, 0, 0, p);
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
