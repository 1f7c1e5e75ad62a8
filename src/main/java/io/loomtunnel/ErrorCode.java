package io.loomtunnel;

/** Error codes carried by RST and GO_AWAY (docs/protocol/SESSION.md section 5). */
public enum ErrorCode {
    /** A graceful close or shutdown. */
    NO_ERROR(0),
    /** A rule of the protocol was broken. */
    PROTOCOL_ERROR(1),
    /** A bug or resource failure in the sender; also any code this side does not know. */
    INTERNAL_ERROR(2),
    /** A window was overrun, or a credit overflowed. */
    FLOW_CONTROL_ERROR(3),
    /** Data arrived for a stream the receiver has closed. */
    STREAM_CLOSED(4),
    /** A frame was too long, or of a wrong fixed length. */
    FRAME_SIZE_ERROR(5),
    /** The stream was not accepted; nothing of it was processed. */
    REFUSED_STREAM(6),
    /** The application no longer wants the stream. */
    CANCEL(7),
    /** The preamble's version is not spoken here. */
    UNSUPPORTED_VERSION(8),
    /** The peer's token or key is not authorized. */
    AUTH_FAILED(9),
    /** Nothing arrived from the peer for the keepalive timeout. */
    KEEPALIVE_TIMEOUT(10),
    /** Too many control messages not yet taken. */
    CONTROL_OVERFLOW(11),
    /** The acceptor will not serve this session now (it is full); the dialer may retry later. */
    SESSION_REFUSED(12),
    /** The stream's service (a tunnel's local service) refused the connection made for it. */
    SERVICE_REFUSED(13),
    /** Connecting the stream's service timed out. */
    SERVICE_TIMED_OUT(14),
    /** The stream's service is on a host or network that cannot be reached. */
    SERVICE_UNREACHABLE(15),
    /** The host name of the stream's service did not resolve. */
    SERVICE_UNKNOWN_HOST(16);

    private static final ErrorCode[] BY_CODE = values();

    /** The 32-bit code on the wire. */
    public final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    /**
     * The code for a wire value; unknown values read as INTERNAL_ERROR, as the spec says.
     *
     * @param code the wire value
     * @return its code
     */
    public static ErrorCode ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : INTERNAL_ERROR;
    }
}
