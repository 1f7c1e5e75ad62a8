package io.loomtunnel.internal.tunnel;

import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.wire.ProtocolException;
import io.loomtunnel.session.ControlCodec;
import io.loomtunnel.session.StreamMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The first bytes the server writes on each stream it opens to a client: which tunnel the
 * connection came in on and from where (docs/protocol/TUNNEL.md section 8).
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
        StreamMessage.write(out, TYPE, this, MAX_LENGTH);
    }

    /** Reads a preface; anything malformed is a PROTOCOL_ERROR, a short read an EOFException. */
    public static StreamPreface readFrom(InputStream in) throws IOException {
        ControlCodec.Message m = StreamMessage.read(in, MAX_LENGTH, "preface");
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
