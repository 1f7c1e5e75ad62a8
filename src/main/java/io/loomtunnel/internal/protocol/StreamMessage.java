package io.loomtunnel.internal.protocol;

import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.wire.ProtocolException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The framing of a {@link StreamHeader}, a message written at the start of a stream before the
 * bytes it introduces: a 16-bit length, then the JSON object of {@link ControlCodec}
 * (docs/protocol/TUNNEL.md 8.2 and P2P.md 9.6).
 *
 * <pre>
 * +----------------+--------------------------------------+
 * | length (16)    | JSON object, UTF-8, "type" first      |
 * +----------------+--------------------------------------+
 * </pre>
 */
final class StreamMessage {
    private StreamMessage() {}

    /** Writes {@code message} in one write. */
    static void write(OutputStream out, StreamHeader message, int maxLength) throws IOException {
        byte[] json = ControlCodec.encode(message);
        if (json.length > maxLength) {
            throw new IllegalArgumentException(message.type() + " message of " + json.length + " bytes exceeds " + maxLength);
        }
        byte[] framed = new byte[2 + json.length];
        framed[0] = (byte) (json.length >>> 8);
        framed[1] = (byte) json.length;
        System.arraycopy(json, 0, framed, 2, json.length);
        out.write(framed);
    }

    /**
     * Reads one message of at most {@code maxLength} bytes, of the type {@code expected}; a length
     * out of range, bad JSON or another type is a PROTOCOL_ERROR, a short read an EOFException.
     *
     * @param what names the message in errors ("stream preface")
     */
    static <T extends StreamHeader> T read(InputStream in, int maxLength, String what, Class<T> expected) throws IOException {
        int hi = in.read();
        int lo = in.read();
        if (lo < 0) {
            throw new EOFException("stream ended before its " + what);
        }
        int length = hi << 8 | lo;
        if (length < 2 || length > maxLength) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, what + " of " + length + " bytes");
        }
        byte[] json = in.readNBytes(length);
        if (json.length < length) {
            throw new EOFException("stream ended inside its " + what);
        }
        ControlMessage m = ControlCodec.decode(json);
        if (!expected.isInstance(m)) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "expected a " + what + ", got \"" + m.type() + "\"");
        }
        return expected.cast(m);
    }
}
