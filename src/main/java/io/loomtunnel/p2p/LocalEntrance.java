package io.loomtunnel.p2p;

import java.io.Closeable;
import java.net.InetSocketAddress;

/**
 * The connecting side's local port, which outlives sessions: what arrives there goes through
 * whichever session is attached at the time; with none, TCP connections wait for one (bounded in
 * time and number) and datagrams are dropped.
 */
interface LocalEntrance extends Closeable {
    InetSocketAddress address();

    /** Sends what arrives from now on through {@code session}. */
    void attach(PeerSession session);

    /** Stops using {@code session} if it is the one attached. */
    void detach(PeerSession session);

    @Override
    void close();
}
