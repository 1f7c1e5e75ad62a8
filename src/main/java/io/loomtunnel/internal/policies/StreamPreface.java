package io.loomtunnel.internal.policies;

import io.loomtunnel.plugin.Connection;
import java.net.InetSocketAddress;

/** A policy that puts bytes first on a TCP tunnel's stream to the service, before the visitor's own (the PROXY header). */
public interface StreamPreface {
    /**
     * The bytes to send first.
     *
     * @param connection the tunnel and the visitor
     * @param publicAddress the server's address the visitor connected to
     */
    byte[] preface(Connection connection, InetSocketAddress publicAddress);
}
