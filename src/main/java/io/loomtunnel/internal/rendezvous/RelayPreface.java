package io.loomtunnel.internal.rendezvous;

import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.path.RelayDialer.Role;
import io.loomtunnel.internal.signal.SignedBody;
import io.loomtunnel.internal.wire.ProtocolException;
import io.loomtunnel.session.ControlCodec;
import io.loomtunnel.session.StreamMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The first bytes a peer writes on a relay stream it opens to the server: which peer-to-peer
 * session the stream is for and which side of it this peer is (docs/protocol/P2P.md 9.6).
 *
 * <pre>
 * +-------------+---------------------------------------------------------------------+
 * | length (16) | {"type":"p2p_relay","session":"BfELxJtVci-bjcouIZNG7w","role":"connect"} |
 * +-------------+---------------------------------------------------------------------+
 * </pre>
 */
public record RelayPreface(String session, String role) {
    public static final String TYPE = "p2p_relay";
    public static final int MAX_LENGTH = 256;

    public static RelayPreface of(String session, Role role) {
        return new RelayPreface(session, role.wireName());
    }

    public void writeTo(OutputStream out) throws IOException {
        StreamMessage.write(out, TYPE, this, MAX_LENGTH);
    }

    /** Reads a preface: a session id of 22 base64url characters and a role; anything else is a PROTOCOL_ERROR. */
    public static RelayPreface readFrom(InputStream in) throws IOException {
        ControlCodec.Message m = StreamMessage.read(in, MAX_LENGTH, "relay preface");
        if (!m.type().equals(TYPE)) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "expected a relay preface, got \"" + m.type() + "\"");
        }
        RelayPreface p = m.as(RelayPreface.class);
        if (p.session() == null || !SignedBody.SESSION_ID.matcher(p.session()).matches()) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "relay preface names no valid session id");
        }
        p.parsedRole();
        return p;
    }

    /** The role, CONNECT or SHARE. */
    public Role parsedRole() throws ProtocolException {
        for (Role r : Role.values()) {
            if (r.wireName().equals(role)) {
                return r;
            }
        }
        throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "relay preface role must be connect or share");
    }
}
