package io.loomtunnel.plugin;

import java.net.InetSocketAddress;

/**
 * A TCP connection arriving at a tunnel.
 *
 * @param tunnel the tunnel's name
 * @param visitor the visitor's address; on the client side, the address the server reported, or
 *     null where it is not known
 */
public record Connection(String tunnel, InetSocketAddress visitor) {}
