package io.loomtunnel.client;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Where a client is with its server, in one place: the phase and, while connected, the
 * connection. The connection loop moves it forward; {@link TunnelClient#close} moves it to
 * CLOSED from any phase, after which nothing moves it again, so a connection that completes
 * while the client closes is turned away rather than left running.
 *
 * <pre>
 * CONNECTING --connected--> REGISTERING --registered--> READY
 *     ^                          |                         |
 *     +----------lost------------+-------------------------+        any --close--> CLOSED
 * </pre>
 *
 * <p>Locking: {@code lock} guards {@code phase} and {@code connection}; it is held only to read
 * or change them, never across a blocking call, and no other lock is taken while it is held.
 */
final class ClientState {
    enum Phase {
        /** Dialing, or waiting before the next attempt. */
        CONNECTING,
        /** A session is up; its tunnels are being registered. */
        REGISTERING,
        /** Registered: tunnels may be opened and closed. */
        READY,
        /** Closed by its owner: for good. */
        CLOSED
    }

    private final ReentrantLock lock = new ReentrantLock();
    private Phase phase = Phase.CONNECTING;
    private ServerConnection connection; // non-null in REGISTERING and READY

    /** A session is up: false if the client closed meanwhile, and the caller must close it. */
    boolean connected(ServerConnection c) {
        lock.lock();
        try {
            if (phase == Phase.CLOSED) {
                return false;
            }
            phase = Phase.REGISTERING;
            connection = c;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Registration of {@code c} is done. */
    void registered(ServerConnection c) {
        lock.lock();
        try {
            if (connection == c && phase == Phase.REGISTERING) {
                phase = Phase.READY;
            }
        } finally {
            lock.unlock();
        }
    }

    /** The session of {@code c} ended: back to CONNECTING unless closed. */
    void lost(ServerConnection c) {
        lock.lock();
        try {
            if (connection == c) {
                connection = null;
                if (phase != Phase.CLOSED) {
                    phase = Phase.CONNECTING;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Closes for good; returns the connection there was, or null. */
    ServerConnection close() {
        lock.lock();
        try {
            phase = Phase.CLOSED;
            return connection;
        } finally {
            lock.unlock();
        }
    }

    boolean isClosed() {
        return phase() == Phase.CLOSED;
    }

    Phase phase() {
        lock.lock();
        try {
            return phase;
        } finally {
            lock.unlock();
        }
    }

    /** The connection while registering or registered, else null. */
    ServerConnection connection() {
        lock.lock();
        try {
            return connection;
        } finally {
            lock.unlock();
        }
    }

    /** The connection once registered (READY), else null. */
    ServerConnection readyConnection() {
        lock.lock();
        try {
            return phase == Phase.READY ? connection : null;
        } finally {
            lock.unlock();
        }
    }
}
