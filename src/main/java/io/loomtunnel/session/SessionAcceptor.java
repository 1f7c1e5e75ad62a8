package io.loomtunnel.session;

import io.loomtunnel.tls.Identity;
import io.loomtunnel.tls.PeerVerifier;
import io.loomtunnel.tls.TlsChannel;
import io.loomtunnel.tls.TlsHandshake;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;

/** Turns an accepted TCP connection into a session: TLS 1.3, peer check, preambles, hello and token. */
public final class SessionAcceptor {
    private final Identity identity;
    private final PeerVerifier peers;
    private final Authenticator authenticator;
    private final SessionOptions options;

    /**
     * An acceptor for this side's key.
     *
     * @param peers which peer keys may connect ({@code PeerVerifier.anyPeer()} when tokens decide)
     * @param authenticator checks the hello's token (and may check the key again), e.g. a {@link TokenCheck}
     * @param identity this side's key
     * @param options TLS and multiplexer settings
     */
    public SessionAcceptor(Identity identity, PeerVerifier peers, Authenticator authenticator, SessionOptions options) {
        this.identity = identity;
        this.peers = peers;
        this.authenticator = java.util.Objects.requireNonNull(authenticator, "authenticator (use Authenticator.anyone())");
        this.options = options;
    }

    /**
     * Sets up a session on {@code socket}; on any failure the socket is closed and the reason thrown.
     *
     * @param socket a freshly accepted connection
     * @return the session
     * @throws IOException the handshake, the peer check or the authentication failed
     */
    public Session accept(Socket socket) throws IOException {
        return accept(socket, () -> TlsHandshake.server(socket, identity, peers, options.tls()));
    }

    /**
     * Like {@link #accept(Socket)}, closing a connection that sends nothing within
     * {@code firstByteTimeout}; {@code onFirstByte} runs (on this thread) when its first byte arrives.
     */
    Session accept(Socket socket, Duration firstByteTimeout, Runnable onFirstByte) throws IOException {
        return accept(socket, () -> TlsHandshake.server(socket, identity, peers, options.tls(), firstByteTimeout, onFirstByte));
    }

    /** How long a whole set-up may take: the handshake timeout (docs/protocol/SESSION.md 1). */
    Duration setupTimeout() {
        return options.tls().handshakeTimeout();
    }

    /** The TLS handshake's part of a set-up. */
    private interface Handshake {
        TlsChannel run() throws IOException;
    }

    private Session accept(Socket socket, Handshake handshake) throws IOException {
        try {
            socket.setTcpNoDelay(true);
            TlsChannel tls = handshake.run();
            return new SessionSetup(tls, options).asAcceptor(authenticator);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }
}
