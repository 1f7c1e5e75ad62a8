package io.loomtunnel.internal.rendezvous;

import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.wire.ProtocolException;
import io.loomtunnel.session.ControlCodec;
import io.loomtunnel.session.StreamMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The server's answer on a relay stream, written once (docs/protocol/P2P.md 9.6): {@code p2p_relay_ready}
 * when the other peer's stream has joined (the peers' bytes follow), or {@code p2p_relay_refused}
 * with a reason, after which the server closes the stream.
 *
 * @param reason null when ready
 */
public record RelayReply(String reason) {
    public static final String READY = "p2p_relay_ready";
    public static final String REFUSED = "p2p_relay_refused";
    public static final int MAX_LENGTH = 1024;

    public static RelayReply ready() {
        return new RelayReply(null);
    }

    public static RelayReply refused(String reason) {
        return new RelayReply(reason);
    }

    public boolean isReady() {
        return reason == null;
    }

    public void writeTo(OutputStream out) throws IOException {
        StreamMessage.write(out, isReady() ? READY : REFUSED, this, MAX_LENGTH);
    }

    /** Reads the reply; a refusal without a reason, or another type, is a PROTOCOL_ERROR. */
    public static RelayReply readFrom(InputStream in) throws IOException {
        ControlCodec.Message m = StreamMessage.read(in, MAX_LENGTH, "relay reply");
        if (m.type().equals(READY)) {
            return ready();
        }
        if (!m.type().equals(REFUSED)) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "expected a relay reply, got \"" + m.type() + "\"");
        }
        String reason = m.as(RelayReply.class).reason();
        if (reason == null || reason.isBlank()) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "relay refusal without a reason");
        }
        return refused(reason);
    }
}
