package io.loomtunnel.internal.h2;

/** The error codes of RFC 9113 7, as sent in RST_STREAM and GOAWAY. */
public final class H2Error {
    public static final int NO_ERROR = 0x0;
    public static final int PROTOCOL_ERROR = 0x1;
    public static final int INTERNAL_ERROR = 0x2;
    public static final int FLOW_CONTROL_ERROR = 0x3;
    public static final int STREAM_CLOSED = 0x5;
    public static final int FRAME_SIZE_ERROR = 0x6;
    public static final int REFUSED_STREAM = 0x7;
    public static final int CANCEL = 0x8;
    public static final int COMPRESSION_ERROR = 0x9;
    public static final int ENHANCE_YOUR_CALM = 0xb;

    private H2Error() {
    }
}
