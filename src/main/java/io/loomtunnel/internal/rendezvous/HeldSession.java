package io.loomtunnel.internal.rendezvous;

import io.loomtunnel.session.Session;

/**
 * The server session of one connect attempt: closed once the path race is over, unless a relayed
 * path runs inside it; then closed when the last relay stream closes.
 *
 * <p>Locking: {@code this} guards {@code relays} and {@code released}.
 */
final class HeldSession {
    private final Session session;
    private int relays;
    private boolean released;

    HeldSession(Session session) {
        this.session = session;
    }

    Session session() {
        return session;
    }

    synchronized void relayOpened() {
        relays++;
    }

    void relayClosed() {
        boolean close;
        synchronized (this) {
            relays--;
            close = released && relays == 0;
        }
        if (close) {
            session.close();
        }
    }

    /** The race is over: what is not carrying a relayed path may go. */
    void release() {
        boolean close;
        synchronized (this) {
            released = true;
            close = relays == 0;
        }
        if (close) {
            session.close();
        }
    }
}
