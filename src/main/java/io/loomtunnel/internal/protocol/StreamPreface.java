package io.loomtunnel.internal.protocol;

import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.wire.ProtocolException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The first bytes the server writes on each stream it opens to a client: which tunnel the
 * connection came in on and from where (docs/protocol/TUNNEL.md 8.2).
 *
 * <pre>
 * +----------------+---------------------------------------------+
 * | length (16)    | JSON object, UTF-8: {"type":"stream","tunnel":"web","from":"203.0.113.7:51234"} |
 * +----------------+---------------------------------------------+
 * </pre>
 */
public record StreamPreface(String tunnel, String from) implements StreamHeader {
    public static final int MAX_LENGTH = 1024;

    public void writeTo(OutputStream out) throws IOException {
        StreamMessage.write(out, this, MAX_LENGTH);
    }

    /** Reads a preface; anything malformed is a PROTOCOL_ERROR, a short read an EOFException. */
    public static StreamPreface readFrom(InputStream in) throws IOException {
        StreamPreface p = StreamMessage.read(in, MAX_LENGTH, "stream preface", StreamPreface.class);
        if (p.tunnel() == null || p.tunnel().isEmpty()) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "stream preface names no tunnel");
        }
        return p;
    }
}
