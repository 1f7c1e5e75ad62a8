package io.loomtunnel.internal.wire;

/** The six frame types of protocol version 1 (docs/protocol/SESSION.md section 2). */
public enum FrameType {
    DATA(0x0),
    WINDOW_UPDATE(0x1),
    PING(0x2),
    GO_AWAY(0x3),
    DATAGRAM(0x4),
    CONTROL(0x5);

    private static final FrameType[] BY_CODE = values();

    /** The type byte on the wire. */
    public final int code;

    FrameType(int code) {
        this.code = code;
    }

    /** Returns the type for a wire code, or null for a code version 1 does not define. */
    static FrameType ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
