package io.loomtunnel.session;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;

/**
 * Names the source a connection counts against: its IPv4 address, or the /64 of its IPv6
 * address, since one host (or one customer of a provider) usually has a whole /64 to pick from.
 */
final class Sources {
    private Sources() {}

    /** {@code 192.0.2.7}, or {@code 2001:db8:0:1::/64}. */
    static String of(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress(); // IPv4, and IPv4-mapped IPv6, which Java hands over as IPv4
        }
        byte[] b = address.getAddress();
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < 8; i += 2) {
            prefix.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff))).append(':');
        }
        return prefix.append(":/64").toString();
    }

    /** The source of a connected socket. */
    static String of(Socket socket) {
        SocketAddress remote = socket.getRemoteSocketAddress();
        return remote instanceof InetSocketAddress inet && inet.getAddress() != null ? of(inet.getAddress()) : "unknown";
    }
}
