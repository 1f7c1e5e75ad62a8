package io.loomtunnel.session;

import io.loomtunnel.tls.Identity;
import io.loomtunnel.tls.PeerVerifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A peer for {@link PeerKilledTest}, run as its own process: accepts sessions and streams and
 * then neither reads nor writes, so the other side's writers fill their windows and block and
 * its readers wait. Prints "PORT id" on one line, then waits to be killed.
 */
public final class SinkPeerMain {
    private SinkPeerMain() {}

    public static void main(String[] args) throws Exception {
        Identity me = Identity.generate();
        SessionAcceptor acceptor = new SessionAcceptor(me, PeerVerifier.anyPeer(), Authenticator.anyone(), SessionOptions.defaults());
        SessionListener listener = SessionListener.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), acceptor,
                session -> {
                    try {
                        while (true) {
                            session.mux().accept(); // hold every stream, read nothing
                        }
                    } catch (java.io.IOException ended) {
                        // the session closed
                    }
                }, failure -> { });
        System.out.println(listener.port() + " " + me.id());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
