package io.loomtunnel;

/** Error codes carried by RST and GO_AWAY (docs/protocol/SESSION.md section 5). */
public enum ErrorCode {
    NO_ERROR(0),
    PROTOCOL_ERROR(1),
    INTERNAL_ERROR(2),
    FLOW_CONTROL_ERROR(3),
    STREAM_CLOSED(4),
    FRAME_SIZE_ERROR(5),
    REFUSED_STREAM(6),
    CANCEL(7),
    UNSUPPORTED_VERSION(8),
    AUTH_FAILED(9),
    KEEPALIVE_TIMEOUT(10),
    CONTROL_OVERFLOW(11),
    SESSION_REFUSED(12);

    private static final ErrorCode[] BY_CODE = values();

    /** The 32-bit code on the wire. */
    public final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    /** The code for a wire value; unknown values read as INTERNAL_ERROR, as the spec says. */
    public static ErrorCode ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : INTERNAL_ERROR;
    }
}
