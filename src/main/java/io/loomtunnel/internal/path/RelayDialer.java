package io.loomtunnel.internal.path;

import io.loomtunnel.internal.protocol.RelayRole;
import java.io.IOException;
import java.net.Socket;

/**
 * Reaches the peer through a relay when no direct path works: a loomtunnel server that joins the
 * two peers' streams. What it returns is a connection to the peer like any other; the two peers
 * still run TLS 1.3 with both keys pinned over it, so the relay carries only ciphertext.
 */
public interface RelayDialer {
    /**
     * Asks the relay for session {@code session} and waits until the other peer has joined too.
     *
     * @throws IOException the relay refused (a limit, an unknown session) or the other peer did not come
     */
    Socket open(String session, RelayRole role) throws IOException;

    /** The relay as the path report names it: {@code relay via VIA}, e.g. {@code tunnel.example.org:7835}. */
    String via();
}
