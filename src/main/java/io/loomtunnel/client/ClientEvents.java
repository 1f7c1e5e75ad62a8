package io.loomtunnel.client;

import io.loomtunnel.tls.PeerId;
import java.time.Duration;

/** What a running client reports, for the console, logs and tests. Every method has a no-op default. */
public interface ClientEvents {
    default void connected(PeerId server, String cipherSuite, boolean reconnected) {}

    default void tunnelOpened(PublicTunnel tunnel) {}

    default void tunnelRefused(String name, String reason) {}

    /** The connection was lost or could not be made; another attempt follows after {@code retryIn}. */
    default void disconnected(String reason, Duration retryIn) {}

    /** A connection through a tunnel could not reach the local service. */
    default void localUnreachable(String tunnel, String local, String reason) {}

    /** Events that go nowhere. */
    ClientEvents NONE = new ClientEvents() {};
}
