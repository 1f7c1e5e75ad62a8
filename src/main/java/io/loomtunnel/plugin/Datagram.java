package io.loomtunnel.plugin;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * A UDP datagram arriving at a tunnel.
 *
 * @param tunnel the tunnel's name
 * @param visitor the sender's address; on the client side, the address the server reported, or
 *     null where it is not known
 * @param payload the datagram's bytes, read-only and valid only during the call
 */
public record Datagram(String tunnel, InetSocketAddress visitor, ByteBuffer payload) {}
