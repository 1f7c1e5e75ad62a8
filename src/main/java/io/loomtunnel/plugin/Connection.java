package io.loomtunnel.plugin;

import java.net.InetSocketAddress;

/**
 * A TCP connection arriving at a tunnel.
 *
 * @param tunnel the tunnel's name
 * @param visitor the visitor's address; on the client side, the address the server reported, or
 *     null where it is not known
 * @param local the server's public address the visitor connected to, or null where it is not known
 *     (on the client side)
 */
public record Connection(String tunnel, InetSocketAddress visitor, InetSocketAddress local) {
    /**
     * A connection whose public address is not known.
     *
     * @param tunnel the tunnel's name
     * @param visitor the visitor's address, or null
     */
    public Connection(String tunnel, InetSocketAddress visitor) {
        this(tunnel, visitor, null);
    }
}
