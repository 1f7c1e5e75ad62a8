package io.loomtunnel.internal.wire;

import io.loomtunnel.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The validity rules of docs/protocol/SESSION.md section 2 in one place, shared by the reader (on bytes
 * from the peer) and by {@link Frame}'s constructor (on frames we build).
 */
final class FrameRules {
    /** GO_AWAY reasons are cut to this many bytes of UTF-8. */
    static final int MAX_REASON = 1024;

    private FrameRules() {}

    /**
     * Checks what the 9-byte header alone decides, so a bad frame is refused before its payload
     * is read or allocated. Returns the violation, or null.
     */
    static ProtocolException checkHeader(FrameType type, int flags, int streamId, int length) {
        if (type == null) {
            return error(ErrorCode.PROTOCOL_ERROR, "unknown frame type");
        }
        if (length < 0 || length > Wire.MAX_PAYLOAD) {
            return error(ErrorCode.FRAME_SIZE_ERROR,
                    type + " frame of " + length + " bytes exceeds the maximum of " + Wire.MAX_PAYLOAD);
        }
        if (streamId < 0) {
            return error(ErrorCode.PROTOCOL_ERROR, "reserved bit of the stream id is set");
        }
        if ((flags & ~0x0F) != 0) {
            return error(ErrorCode.PROTOCOL_ERROR, "unknown flags " + Flags.describe(flags) + " on " + type);
        }
        return switch (type) {
            case DATA -> checkData(flags, streamId, length);
            case WINDOW_UPDATE -> streamId == 0
                    ? error(ErrorCode.PROTOCOL_ERROR, "WINDOW_UPDATE on stream 0")
                    : (flags & ~(Flags.SYN | Flags.ACK)) != 0
                            ? badFlags(type, flags)
                            : fixedLength(type, length, 4);
            case PING -> streamId != 0
                    ? onStream(type)
                    : (flags & ~Flags.ACK) != 0 ? badFlags(type, flags) : fixedLength(type, length, 8);
            case GO_AWAY -> streamId != 0
                    ? onStream(type)
                    : flags != 0
                            ? badFlags(type, flags)
                            : length < 4 || length > 4 + MAX_REASON
                                    ? error(ErrorCode.FRAME_SIZE_ERROR, "GO_AWAY of " + length + " bytes")
                                    : null;
            case DATAGRAM -> flags != 0 ? badFlags(type, flags) : null;
            case CONTROL -> streamId != 0
                    ? onStream(type)
                    : flags != 0
                            ? badFlags(type, flags)
                            : length < 2 ? error(ErrorCode.FRAME_SIZE_ERROR, "CONTROL of " + length + " bytes") : null;
        };
    }

    /** Checks what needs the payload: the WINDOW_UPDATE credit. Returns the violation, or null. */
    static ProtocolException checkPayload(FrameType type, int flags, byte[] payload) {
        if (type != FrameType.WINDOW_UPDATE) {
            return null;
        }
        int increment = Bytes.readInt32(payload, 0);
        if (increment < 0) {
            return error(ErrorCode.FLOW_CONTROL_ERROR, "WINDOW_UPDATE credit above 2^31-1");
        }
        if (increment == 0 && (flags & (Flags.SYN | Flags.ACK)) == 0) {
            return error(ErrorCode.PROTOCOL_ERROR, "WINDOW_UPDATE of 0 without SYN or ACK");
        }
        return null;
    }

    /** The reason as UTF-8, cut to MAX_REASON bytes without splitting a character. */
    static byte[] truncateReason(String reason) {
        byte[] utf8 = (reason == null ? "" : reason).getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= MAX_REASON) {
            return utf8;
        }
        int end = MAX_REASON;
        while (end > 0 && (utf8[end] & 0xC0) == 0x80) {
            end--; // step back off a continuation byte
        }
        return Arrays.copyOf(utf8, end);
    }

    private static ProtocolException checkData(int flags, int streamId, int length) {
        if (streamId == 0) {
            return error(ErrorCode.PROTOCOL_ERROR, "DATA on stream 0");
        }
        if (Flags.has(flags, Flags.RST)) {
            return flags != Flags.RST
                    ? error(ErrorCode.PROTOCOL_ERROR, "RST combined with " + Flags.describe(flags))
                    : fixedLength(FrameType.DATA, length, 4);
        }
        return null;
    }

    private static ProtocolException fixedLength(FrameType type, int length, int expected) {
        return length == expected
                ? null
                : error(ErrorCode.FRAME_SIZE_ERROR, type + " must be " + expected + " bytes, got " + length);
    }

    private static ProtocolException badFlags(FrameType type, int flags) {
        return error(ErrorCode.PROTOCOL_ERROR, "flags " + Flags.describe(flags) + " not allowed on " + type);
    }

    private static ProtocolException onStream(FrameType type) {
        return error(ErrorCode.PROTOCOL_ERROR, type + " must be on stream 0");
    }

    private static ProtocolException error(ErrorCode code, String message) {
        return new ProtocolException(code, message);
    }
}
