package io.loomtunnel.session;

import io.loomtunnel.tls.Identity;
import io.loomtunnel.tls.PeerVerifier;
import io.loomtunnel.tls.TlsChannel;
import io.loomtunnel.tls.TlsHandshake;
import java.io.IOException;
import java.net.Socket;

/** Turns an accepted TCP connection into a session: TLS 1.3, peer check, preambles, hello and token. */
public final class SessionAcceptor {
    private final Identity identity;
    private final PeerVerifier peers;
    private final TokenCheck tokens;
    private final SessionOptions options;

    /**
     * @param peers which peer keys may connect ({@code PeerVerifier.anyPeer()} when tokens decide)
     * @param tokens the accepted tokens, or null when no token is needed
     */
    public SessionAcceptor(Identity identity, PeerVerifier peers, TokenCheck tokens, SessionOptions options) {
        this.identity = identity;
        this.peers = peers;
        this.tokens = tokens;
        this.options = options;
    }

    /** Sets up a session on {@code socket}; on any failure the socket is closed and the reason thrown. */
    public Session accept(Socket socket) throws IOException {
        try {
            socket.setTcpNoDelay(true);
            TlsChannel tls = TlsHandshake.server(socket, identity, peers, options.tls());
            return new SessionSetup(tls, options).asAcceptor(tokens);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }
}
