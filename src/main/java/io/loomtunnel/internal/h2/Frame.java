package io.loomtunnel.internal.h2;

/**
 * One HTTP/2 frame (RFC 9113 4.1) as read: its type, flags, stream and payload (padding still in;
 * see {@link #unpadded}).
 */
public record Frame(int type, int flags, int stream, byte[] payload) {
    public static final int DATA = 0x0;
    public static final int HEADERS = 0x1;
    public static final int PRIORITY = 0x2;
    public static final int RST_STREAM = 0x3;
    public static final int SETTINGS = 0x4;
    public static final int PUSH_PROMISE = 0x5;
    public static final int PING = 0x6;
    public static final int GOAWAY = 0x7;
    public static final int WINDOW_UPDATE = 0x8;
    public static final int CONTINUATION = 0x9;

    public static final int END_STREAM = 0x1;
    public static final int ACK = 0x1;
    public static final int END_HEADERS = 0x4;
    public static final int PADDED = 0x8;
    public static final int PRIORITY_FLAG = 0x20;

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /**
     * The payload of a DATA or HEADERS frame without its padding and (HEADERS) priority fields;
     * a pad length beyond the payload is a PROTOCOL_ERROR (RFC 9113 6.1, 6.2).
     */
    public byte[] unpadded() throws H2Exception {
        int from = 0;
        int to = payload.length;
        if (has(PADDED) && (type == DATA || type == HEADERS)) {
            if (to < 1) {
                throw new H2Exception(H2Error.FRAME_SIZE_ERROR, "padded frame without a pad length");
            }
            from = 1;
            to -= payload[0] & 0xff;
        }
        if (type == HEADERS && has(PRIORITY_FLAG)) {
            from += 5;
        }
        if (to < from) {
            throw new H2Exception(H2Error.PROTOCOL_ERROR, "padding or priority longer than the frame");
        }
        return java.util.Arrays.copyOfRange(payload, from, to);
    }

    /** The first four payload bytes as an unsigned 31-bit number (WINDOW_UPDATE, RST_STREAM, GOAWAY). */
    public long int31At(int offset) {
        return ((payload[offset] & 0x7fL) << 24) | ((payload[offset + 1] & 0xffL) << 16) | ((payload[offset + 2] & 0xffL) << 8)
                | (payload[offset + 3] & 0xffL);
    }
}
