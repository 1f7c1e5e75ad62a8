package io.loomtunnel.internal.wire;

import io.loomtunnel.ErrorCode;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Decodes frames from a byte stream. Each header is checked before its payload is read, so a
 * peer can never make this allocate more than {@link Wire#MAX_PAYLOAD} bytes for one frame.
 * Not thread-safe: one session reader thread owns it.
 *
 * <p>Bulk DATA payloads ({@link Wire#BULK_DATA_PAYLOAD} bytes) come from a {@link BufferPool}
 * (the shared {@link #BULK_PAYLOADS} unless given one), and whoever has read such a payload to the
 * end releases it there: bulk data then allocates (and zeroes) no array per frame. Other payloads
 * are new arrays.
 */
public final class FrameReader {
    /**
     * Where bulk DATA payloads come from and go back to, for every reader not given a pool of its own.
     * 32 arrays, 2 MiB at most whatever the machine: with 8 the pool ran dry while a reader ran ahead
     * of its stream's consumer (JMH, one TLS stream of 64 KiB writes: 0.37 MiB of fresh payload arrays
     * per MiB moved with 8, 0.11 with 32, 1.0 without a pool; docs/BENCHMARKS.md, "Bulk DATA payloads
     * from a pool").
     */
    public static final BufferPool BULK_PAYLOADS = new BufferPool(Wire.BULK_DATA_PAYLOAD, 32);
    private static final byte[] EMPTY = new byte[0];

    private final InputStream in;
    private final BufferPool bulkPayloads;
    private final byte[] header = new byte[Wire.HEADER_SIZE];

    public FrameReader(InputStream in) {
        this(in, BULK_PAYLOADS);
    }

    /**
     * A reader taking bulk DATA payloads from {@code bulkPayloads}.
     *
     * @param bulkPayloads a pool of {@link Wire#BULK_DATA_PAYLOAD}-byte arrays
     */
    public FrameReader(InputStream in, BufferPool bulkPayloads) {
        if (bulkPayloads.arraySize() != Wire.BULK_DATA_PAYLOAD) {
            throw new IllegalArgumentException("a pool of " + bulkPayloads.arraySize() + "-byte arrays");
        }
        this.in = in;
        this.bulkPayloads = bulkPayloads;
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
        // (readNBytes(int) would read in 8 KiB pieces and copy them together again.) A pooled
        // array is overwritten whole below, or the frame is lost with the connection.
        byte[] payload = length == 0 ? EMPTY
                : type == FrameType.DATA && length == Wire.BULK_DATA_PAYLOAD ? bulkPayloads.acquire() : new byte[length];
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
