package io.loomtunnel.session;

import io.loomtunnel.tls.Identity;
import io.loomtunnel.tls.PeerVerifier;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A listening acceptor and a dialer with fresh identities on loopback, for tests over real TLS. */
final class TlsPair implements AutoCloseable {
    static final String TOKEN = "s3cret-token";

    final Identity serverKey = Identity.generate();
    final Identity clientKey = Identity.generate();
    final LinkedBlockingQueue<Session> accepted = new LinkedBlockingQueue<>();
    final LinkedBlockingQueue<IOException> failures = new LinkedBlockingQueue<>();
    final SessionListener listener;
    final SessionOptions options;

    TlsPair(SessionOptions options) throws IOException {
        this.options = options;
        SessionAcceptor acceptor = new SessionAcceptor(serverKey, PeerVerifier.anyPeer(),
                TokenCheck.of(List.of(TOKEN)), options);
        listener = SessionListener.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), acceptor,
                accepted::add, failures::add);
    }

    TlsPair() throws IOException {
        this(SessionOptions.defaults());
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.port());
    }

    /** Dials with the right server id and token. */
    Session dial() throws IOException {
        return new SessionDialer(clientKey, PeerVerifier.pinned(serverKey.id()), TOKEN, options).dial(address());
    }

    Session nextAccepted() throws InterruptedException {
        Session s = accepted.poll(20, TimeUnit.SECONDS);
        if (s == null) {
            throw new AssertionError("no session accepted; failures: " + failures);
        }
        return s;
    }

    IOException nextFailure() throws InterruptedException {
        IOException e = failures.poll(20, TimeUnit.SECONDS);
        if (e == null) {
            throw new AssertionError("no set-up failure reported");
        }
        return e;
    }

    static Duration wait10() {
        return Duration.ofSeconds(10);
    }

    @Override
    public void close() throws IOException {
        listener.close();
        accepted.forEach(Session::close);
    }
}
