package io.loomtunnel.internal.limits;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A sender as the per-source limits, penalties and refusal logs count it: an IPv4 address, or the
 * /64 of an IPv6 address (one host, or one customer of a provider, usually has a whole /64 to pick
 * from: counting its 2^64 addresses one by one would limit nothing). The one place that says what
 * a source is; every per-source table keys on these names.
 */
public final class Sources {
    /** What a socket without a remote address (not connected, or closed) counts as. */
    public static final String UNKNOWN = "unknown";

    private Sources() {}

    /**
     * {@code 192.0.2.7} (an IPv4-mapped IPv6 address too, which Java hands over as IPv4), or
     * {@code 2001:db8:0:1::/64}: the prefix's four groups in hex, as a log shows it.
     */
    public static String of(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < 8; i += 2) {
            prefix.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff))).append(':');
        }
        return prefix.append(":/64").toString();
    }

    /** The source of a connected socket; {@link #UNKNOWN} when it has no remote address. */
    public static String of(Socket socket) {
        return socket.getRemoteSocketAddress() instanceof InetSocketAddress inet && inet.getAddress() != null
                ? of(inet.getAddress()) : UNKNOWN;
    }
}
