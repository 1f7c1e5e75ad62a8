package io.loomtunnel.client;

import io.loomtunnel.tls.PeerId;
import java.time.Duration;

/** What a running client reports, for the console, logs and tests. Every method has a no-op default. */
public interface ClientEvents {
    /**
     * A session to the server is up and the tunnels are being registered.
     *
     * @param server the server's key id, as pinned
     * @param cipherSuite the TLS cipher suite in use
     * @param reconnected true after a lost connection, false the first time
     */
    default void connected(PeerId server, String cipherSuite, boolean reconnected) {}

    /**
     * The server exposed a tunnel.
     *
     * @param tunnel what was asked for and where the public reaches it
     */
    default void tunnelOpened(PublicTunnel tunnel) {}

    /**
     * After a reconnect, a tunnel that asked for any port is at another address than before: the
     * server could not give it its port again (taken meanwhile, or no longer allowed). Follows
     * {@link #tunnelOpened} for the same tunnel.
     *
     * @param tunnel the tunnel, at its new address
     * @param previous where the public reached it before
     */
    default void tunnelMoved(PublicTunnel tunnel, String previous) {}

    /**
     * The server refused a tunnel; the others are not affected.
     *
     * @param name the tunnel's name
     * @param reason the server's reason, one line
     */
    default void tunnelRefused(String name, String reason) {}

    /**
     * The connection was lost or could not be made; another attempt follows after {@code retryIn}.
     *
     * @param reason why, one line
     * @param retryIn the delay before the next attempt
     */
    default void disconnected(String reason, Duration retryIn) {}

    /**
     * A connection through a tunnel could not reach the local service.
     *
     * @param tunnel the tunnel's name
     * @param local the service's address, host:port
     * @param reason why, one line
     */
    default void localUnreachable(String tunnel, String local, String reason) {}

    /** Events that go nowhere. */
    ClientEvents NONE = new ClientEvents() {};
}
