package io.loomtunnel.internal.limits;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HexFormat;

/**
 * A public sender as the per-source limits count it: an IPv4 address, or the /64 of an IPv6
 * address (one site's prefix, which holds 2^64 addresses: counting them one by one would limit nothing).
 */
public final class Sources {
    private Sources() {}

    /** {@code 203.0.113.7}, or {@code 2001:db8:1:2::/64} written as the prefix's 8 bytes in hex. */
    public static String of(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] b = address.getAddress();
            return HexFormat.of().formatHex(b, 0, 8) + "::/64";
        }
        return address.getHostAddress();
    }
}
