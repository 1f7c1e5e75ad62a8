package io.loomtunnel.tunnel;

import io.loomtunnel.session.ControlCodec;
import io.loomtunnel.wire.ErrorCode;
import io.loomtunnel.wire.ProtocolException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The first bytes the server writes on each stream it opens to a client: which tunnel the
 * connection came in on and from where (docs/PROTOCOL.md section 8).
 *
 * <pre>
 * +----------------+---------------------------------------------+
 * | length (16)    | JSON object, UTF-8: {"tunnel":"web","from":"203.0.113.7:51234"} |
 * +----------------+---------------------------------------------+
 * </pre>
 */
public record StreamPreface(String tunnel, String from) {
    public static final int MAX_LENGTH = 1024;
    private static final String TYPE = "stream";

    public void writeTo(OutputStream out) throws IOException {
        byte[] json = ControlCodec.encode(TYPE, this);
        if (json.length > MAX_LENGTH) {
            throw new IllegalArgumentException("stream preface of " + json.length + " bytes exceeds " + MAX_LENGTH);
        }
        byte[] framed = new byte[2 + json.length];
        framed[0] = (byte) (json.length >>> 8);
        framed[1] = (byte) json.length;
        System.arraycopy(json, 0, framed, 2, json.length);
        out.write(framed);
    }

    /** Reads a preface; anything malformed is a PROTOCOL_ERROR, a short read an EOFException. */
    public static StreamPreface readFrom(InputStream in) throws IOException {
        int hi = in.read();
        int lo = in.read();
        if (lo < 0) {
            throw new EOFException("stream ended before its preface");
        }
        int length = hi << 8 | lo;
        if (length < 2 || length > MAX_LENGTH) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "stream preface of " + length + " bytes");
        }
        byte[] json = in.readNBytes(length);
        if (json.length < length) {
            throw new EOFException("stream ended inside its preface");
        }
        ControlCodec.Message m = ControlCodec.decode(json);
        if (!m.type().equals(TYPE)) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "expected a stream preface, got \"" + m.type() + "\"");
        }
        StreamPreface p = m.as(StreamPreface.class);
        if (p.tunnel() == null || p.tunnel().isEmpty()) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "stream preface names no tunnel");
        }
        return p;
    }
}
