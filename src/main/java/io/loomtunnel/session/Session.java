package io.loomtunnel.session;

import io.loomtunnel.mux.MuxSession;
import io.loomtunnel.tls.PeerId;
import java.io.Closeable;
import java.net.SocketAddress;

/**
 * An authenticated, multiplexed TLS 1.3 session with a peer: the multiplexer, and who is on the
 * other end.
 *
 * @param mux streams, datagrams and control messages
 * @param peer the peer's key id, verified during the TLS handshake
 * @param peerSoftware what the peer said it runs, e.g. "loomtunnel/0.1.0"
 * @param principal who the peer is, as the acceptor's {@link Authenticator} named it ("server" on the dialing side)
 * @param cipherSuite the negotiated TLS 1.3 cipher suite
 * @param remoteAddress the peer's address as this side sees it
 */
public record Session(MuxSession mux, PeerId peer, String peerSoftware, String principal, String cipherSuite,
                      SocketAddress remoteAddress) implements Closeable {
    @Override
    public void close() {
        mux.close();
    }
}
