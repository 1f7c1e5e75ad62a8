package io.loomtunnel.session;

import io.loomtunnel.tls.Identity;
import io.loomtunnel.tls.PeerVerifier;
import io.loomtunnel.tls.TlsChannel;
import io.loomtunnel.tls.TlsHandshake;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Opens sessions to a peer: TCP connect, TLS 1.3 pinned to the peer's id, preambles, hello. */
public final class SessionDialer {
    private final Identity identity;
    private final PeerVerifier peer;
    private final String token;
    private final SessionOptions options;

    /**
     * A dialer for sessions to one kind of peer.
     *
     * @param identity our key
     * @param peer which peer ids we accept on the other end (usually one pinned id)
     * @param token the shared secret the acceptor expects, or null
     * @param options TLS and multiplexer settings
     */
    public SessionDialer(Identity identity, PeerVerifier peer, String token, SessionOptions options) {
        this.identity = identity;
        this.peer = peer;
        this.token = token;
        this.options = options;
    }

    /**
     * Connects to {@code address} and sets up a session: TLS 1.3, peer check, preambles, hello and token.
     *
     * @param address the peer's address (a host name is resolved now)
     * @return the session
     * @throws IOException the connection, the handshake, the peer check or the authentication failed
     */
    public Session dial(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(address, (int) Math.max(1, options.tls().handshakeTimeout().toMillis()));
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        return over(socket);
    }

    /**
     * Sets up a session as the dialing side on a connection that is already open, whichever side
     * opened it (peer-to-peer: a socket we accepted, or a TCP simultaneous open). Every failure
     * closes the socket.
     *
     * @param socket a connected socket
     * @return the session
     * @throws IOException the handshake, the peer check or the authentication failed; the socket is closed
     */
    public Session over(Socket socket) throws IOException {
        try {
            socket.setTcpNoDelay(true);
            TlsChannel tls = TlsHandshake.client(socket, identity, peer, options.tls());
            return new SessionSetup(tls, options).asDialer(token);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }
}
