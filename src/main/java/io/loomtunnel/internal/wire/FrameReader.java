package io.loomtunnel.internal.wire;

import io.loomtunnel.ErrorCode;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Decodes frames from a byte stream. Each header is checked before its payload is read, so a
 * peer can never make this allocate more than {@link Wire#MAX_PAYLOAD} bytes for one frame.
 * Not thread-safe: one session reader thread owns it.
 */
public final class FrameReader {
    private static final byte[] EMPTY = new byte[0];

    private final InputStream in;
    private final byte[] header = new byte[Wire.HEADER_SIZE];

    public FrameReader(InputStream in) {
        this.in = in;
    }

    /**
     * Reads the next frame.
     *
     * @return the frame, or null when the stream ended cleanly between frames
     * @throws EOFException when the stream ended inside a frame
     * @throws ProtocolException when the bytes break a rule of docs/protocol/SESSION.md
     */
    public Frame read() throws IOException {
        int got = in.readNBytes(header, 0, Wire.HEADER_SIZE);
        if (got == 0) {
            return null;
        }
        if (got < Wire.HEADER_SIZE) {
            throw new EOFException("connection ended inside a frame header");
        }
        //  byte 0..2  length (24)   byte 3  type   byte 4  flags   byte 5..8  R(1) + stream id (31)
        int length = (header[0] & 0xFF) << 16 | (header[1] & 0xFF) << 8 | (header[2] & 0xFF);
        int typeCode = header[3] & 0xFF;
        int flags = header[4] & 0xFF;
        int streamId = Bytes.readInt32(header, 5);

        FrameType type = FrameType.ofCode(typeCode);
        if (type == null) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, String.format("unknown frame type 0x%02x", typeCode));
        }
        ProtocolException broken = FrameRules.checkHeader(type, flags, streamId, length);
        if (broken != null) {
            throw broken;
        }
        // The header passed its checks, so length <= MAX_PAYLOAD: this is the only allocation.
        // (readNBytes(int) would read in 8 KiB pieces and copy them together again.)
        byte[] payload = length == 0 ? EMPTY : new byte[length];
        if (in.readNBytes(payload, 0, length) < length) {
            throw new EOFException("connection ended inside a " + type + " frame");
        }
        broken = FrameRules.checkPayload(type, flags, payload);
        if (broken != null) {
            throw broken;
        }
        return new Frame(type, flags, streamId, payload);
    }
}
