package io.loomtunnel.internal.protocol;

import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.wire.ProtocolException;
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
public record RelayPreface(String session, String role) implements StreamHeader {
    public static final int MAX_LENGTH = 256;

    public static RelayPreface of(String session, RelayRole role) {
        return new RelayPreface(session, role.wireName());
    }

    public void writeTo(OutputStream out) throws IOException {
        StreamMessage.write(out, this, MAX_LENGTH);
    }

    /** Reads a preface: a session id of 22 base64url characters and a role; anything else is a PROTOCOL_ERROR. */
    public static RelayPreface readFrom(InputStream in) throws IOException {
        RelayPreface p = StreamMessage.read(in, MAX_LENGTH, "relay preface", RelayPreface.class);
        if (!SessionIds.isValid(p.session())) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "relay preface names no valid session id");
        }
        p.parsedRole();
        return p;
    }

    /** The role, CONNECT or SHARE. */
    public RelayRole parsedRole() throws ProtocolException {
        for (RelayRole r : RelayRole.values()) {
            if (r.wireName().equals(role)) {
                return r;
            }
        }
        throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "relay preface role must be connect or share");
    }
}
