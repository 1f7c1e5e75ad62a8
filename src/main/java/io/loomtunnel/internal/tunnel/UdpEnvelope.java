package io.loomtunnel.internal.tunnel;

import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.wire.ProtocolException;

/**
 * A UDP datagram inside a DATAGRAM frame (docs/protocol/TUNNEL.md section 8): the frame's flow id names
 * the association (one remote sender), and the payload starts with the tunnel id, so the client
 * knows which local service it is for without any per-flow set-up message.
 *
 * <pre>
 * +------------------+---------------------------+
 * | tunnel id (16)   | the UDP payload ...       |
 * +------------------+---------------------------+
 * </pre>
 */
public final class UdpEnvelope {
    public static final int HEADER = 2;
    /** The largest UDP payload carried: a frame's maximum less the header. */
    public static final int MAX_DATAGRAM = io.loomtunnel.internal.wire.Wire.MAX_PAYLOAD - HEADER;

    private UdpEnvelope() {}

    /** Writes the tunnel id in front of {@code length} bytes that already sit at offset HEADER of {@code buffer}. */
    public static void stamp(byte[] buffer, int tunnelId) {
        buffer[0] = (byte) (tunnelId >>> 8);
        buffer[1] = (byte) tunnelId;
    }

    public static int tunnelId(byte[] payload) throws ProtocolException {
        if (payload.length < HEADER) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "UDP datagram of " + payload.length + " bytes has no tunnel id");
        }
        return (payload[0] & 0xFF) << 8 | (payload[1] & 0xFF);
    }
}
