package io.loomtunnel.internal.wire;

import io.loomtunnel.ErrorCode;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The 8 bytes each side sends first: magic "LOOMTUN" and the protocol version (docs/protocol/SESSION.md 1.1). */
public final class Preamble {
    /** The protocol version this code speaks. */
    public static final int VERSION = 1;

    private static final byte[] MAGIC = "LOOMTUN".getBytes(StandardCharsets.US_ASCII);
    private static final int SIZE = MAGIC.length + 1;

    private Preamble() {}

    public static void write(OutputStream out) throws IOException {
        byte[] b = new byte[SIZE];
        System.arraycopy(MAGIC, 0, b, 0, MAGIC.length);
        b[MAGIC.length] = VERSION;
        out.write(b);
        out.flush();
    }

    /**
     * Reads and checks the peer's preamble.
     *
     * @throws ProtocolException with PROTOCOL_ERROR if the peer is not a loomtunnel endpoint, or
     *     UNSUPPORTED_VERSION if it speaks another version (the caller then sends GO_AWAY)
     */
    public static void read(InputStream in) throws IOException {
        byte[] b = in.readNBytes(SIZE);
        int magicBytes = Math.min(b.length, MAGIC.length);
        if (!Arrays.equals(b, 0, magicBytes, MAGIC, 0, magicBytes)) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR,
                    "peer is not a loomtunnel endpoint (it sent \"" + printable(b) + "\")");
        }
        if (b.length < SIZE) {
            // What came was a correct start of the preamble: the connection ended, nothing more.
            throw new EOFException(b.length == 0
                    ? "peer closed the connection before sending a preamble"
                    : "peer closed the connection inside its preamble");
        }
        int version = b[MAGIC.length] & 0xFF;
        if (version != VERSION) {
            throw new ProtocolException(ErrorCode.UNSUPPORTED_VERSION,
                    "peer speaks protocol version " + version + "; this endpoint speaks version " + VERSION);
        }
    }

    private static String printable(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(x >= 0x20 && x < 0x7F ? String.valueOf((char) x) : String.format("\\x%02x", x & 0xFF));
        }
        return sb.toString();
    }
}
