package io.loomtunnel.internal.wire;

import io.loomtunnel.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One decoded frame. The constructor enforces every rule of docs/protocol/SESSION.md section 2, so a
 * Frame that exists is one a peer may send; {@link FrameReader} reads only such frames.
 */
public record Frame(FrameType type, int flags, int streamId, byte[] payload) {

    public Frame {
        ProtocolException broken = FrameRules.checkHeader(type, flags, streamId, payload.length);
        if (broken == null) {
            broken = FrameRules.checkPayload(type, flags, payload);
        }
        if (broken != null) {
            throw new IllegalArgumentException(broken.getMessage());
        }
    }

    public static Frame data(int streamId, int flags, byte[] bytes) {
        return new Frame(FrameType.DATA, flags, streamId, bytes);
    }

    public static Frame reset(int streamId, ErrorCode code) {
        return new Frame(FrameType.DATA, Flags.RST, streamId, Bytes.int32(code.code));
    }

    public static Frame windowUpdate(int streamId, int flags, int increment) {
        return new Frame(FrameType.WINDOW_UPDATE, flags, streamId, Bytes.int32(increment));
    }

    public static Frame ping(boolean ack, long value) {
        return new Frame(FrameType.PING, ack ? Flags.ACK : Flags.NONE, 0, Bytes.int64(value));
    }

    public static Frame goAway(ErrorCode code, String reason) {
        byte[] text = FrameRules.truncateReason(reason);
        byte[] payload = Arrays.copyOf(Bytes.int32(code.code), 4 + text.length);
        System.arraycopy(text, 0, payload, 4, text.length);
        return new Frame(FrameType.GO_AWAY, Flags.NONE, 0, payload);
    }

    public static Frame datagram(int flowId, byte[] bytes) {
        return new Frame(FrameType.DATAGRAM, Flags.NONE, flowId, bytes);
    }

    public static Frame control(byte[] json) {
        return new Frame(FrameType.CONTROL, Flags.NONE, 0, json);
    }

    public boolean has(int flag) {
        return Flags.has(flags, flag);
    }

    /** The credit of a WINDOW_UPDATE. */
    public int increment() {
        return Bytes.readInt32(payload, 0);
    }

    /** The opaque value of a PING. */
    public long pingValue() {
        return Bytes.readInt64(payload, 0);
    }

    /** The error code of a RST or GO_AWAY. */
    public ErrorCode errorCode() {
        return ErrorCode.ofCode(Bytes.readInt32(payload, 0));
    }

    /** The reason text of a GO_AWAY. */
    public String reason() {
        return new String(payload, 4, payload.length - 4, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Frame f
                && type == f.type
                && flags == f.flags
                && streamId == f.streamId
                && Arrays.equals(payload, f.payload);
    }

    @Override
    public int hashCode() {
        return ((type.hashCode() * 31 + flags) * 31 + streamId) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return type + "[" + Flags.describe(flags) + " stream=" + streamId + " len=" + payload.length + "]";
    }
}
