package io.loomtunnel.internal.policies;

import io.loomtunnel.plugin.Connection;
import java.net.InetSocketAddress;
import java.util.function.BooleanSupplier;

/**
 * A policy that puts bytes first on a TCP tunnel's stream to the service, before the visitor's
 * own (the PROXY header). The SPI's connection hook can only accept or refuse, so the TCP ingress
 * hands these bytes over through {@link #collect}: it runs the chain's admission on its own
 * thread (the chain calls hooks on the caller's thread), and such a policy's {@code onConnection}
 * adds its bytes with {@link #offer}. The thread-local is set only for that one call.
 */
public interface ConnectionPreface {
    /**
     * The bytes to send first.
     *
     * @param connection the tunnel and the visitor
     * @param publicAddress the server's address the visitor connected to
     */
    byte[] preface(Connection connection, InetSocketAddress publicAddress);

    /** What one admission on this thread collects: the public address, and the bytes so far. */
    final class Collected {
        private static final ThreadLocal<Collected> CURRENT = new ThreadLocal<>();
        private final InetSocketAddress publicAddress;
        private byte[] bytes = new byte[0];

        private Collected(InetSocketAddress publicAddress) {
            this.publicAddress = publicAddress;
        }
    }

    /**
     * Runs {@code admit} (the chain's admission) and returns the bytes its ConnectionPreface
     * policies offered (empty for none), or null when the connection was refused.
     */
    static byte[] collect(InetSocketAddress publicAddress, BooleanSupplier admit) {
        Collected c = new Collected(publicAddress);
        Collected.CURRENT.set(c);
        try {
            return admit.getAsBoolean() ? c.bytes : null;
        } finally {
            Collected.CURRENT.remove();
        }
    }

    /** From a policy's {@code onConnection}: adds its preface when an admission is collecting on this thread. */
    static void offer(ConnectionPreface policy, Connection connection) {
        Collected c = Collected.CURRENT.get();
        if (c == null) {
            return; // not a TCP ingress's admission (the client's chain, a test)
        }
        byte[] more = policy.preface(connection, c.publicAddress);
        byte[] all = java.util.Arrays.copyOf(c.bytes, c.bytes.length + more.length);
        System.arraycopy(more, 0, all, c.bytes.length, more.length);
        c.bytes = all;
    }
}
