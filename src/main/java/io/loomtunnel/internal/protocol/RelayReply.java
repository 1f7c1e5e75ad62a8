package io.loomtunnel.internal.protocol;

import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.wire.ProtocolException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The server's answer on a relay stream, written once (docs/protocol/P2P.md 9.6): {@link RelayReady}
 * when the other peer's stream has joined (the peers' bytes follow), or {@link RelayRefused} with
 * a reason, after which the server closes the stream.
 */
public sealed interface RelayReply extends StreamHeader permits RelayReady, RelayRefused {
    int MAX_LENGTH = 1024;

    default void writeTo(OutputStream out) throws IOException {
        StreamMessage.write(out, this, MAX_LENGTH);
    }

    /** Reads the reply; a refusal without a reason, or another type, is a PROTOCOL_ERROR. */
    static RelayReply readFrom(InputStream in) throws IOException {
        RelayReply reply = StreamMessage.read(in, MAX_LENGTH, "relay reply", RelayReply.class);
        if (reply instanceof RelayRefused refused && (refused.reason() == null || refused.reason().isBlank())) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "relay refusal without a reason");
        }
        return reply;
    }
}
