package io.loomtunnel.internal.path;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where a peer can be reached, as it tells the other side: its local interface addresses with its
 * punch port, and addresses configured or learned elsewhere (a port forward, the public address a
 * server observes).
 */
public final class Candidates {
    /** At most this many candidates go into a block. */
    public static final int MAX = 16;

    private Candidates() {}

    /**
     * Candidates for a punch port bound to {@code bound}: for a wildcard bind (0.0.0.0 or ::), every
     * address of that family on an interface that is up, except loopback and IPv6 link-local ones
     * (which need a scope the peer cannot know); for a specific bind, that address alone. Then
     * {@code extra}, in order, where port 0 stands for the punch port. Duplicates are dropped and
     * the list is cut at {@value #MAX}.
     */
    public static List<InetSocketAddress> gather(InetSocketAddress bound, List<InetSocketAddress> extra) throws SocketException {
        Set<InetSocketAddress> out = new LinkedHashSet<>();
        int port = bound.getPort();
        InetAddress host = bound.getAddress();
        if (host.isAnyLocalAddress()) {
            for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress a : nic.inetAddresses().toList()) {
                    boolean family = host instanceof Inet6Address || a instanceof Inet4Address;
                    if (family && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        out.add(new InetSocketAddress(a, port));
                    }
                }
            }
        } else {
            out.add(new InetSocketAddress(host, port));
        }
        for (InetSocketAddress e : extra) {
            out.add(e.getPort() == 0 ? new InetSocketAddress(e.getAddress(), port) : e);
        }
        return new ArrayList<>(out).subList(0, Math.min(MAX, out.size()));
    }

    /** {@code ip:port} with IPv6 in brackets, numeric, as blocks carry candidates. */
    public static String text(InetSocketAddress a) {
        String ip = a.getAddress().getHostAddress();
        int scope = ip.indexOf('%');
        if (scope >= 0) {
            ip = ip.substring(0, scope);
        }
        return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + a.getPort();
    }

    /** Every candidate as text. */
    public static List<String> texts(List<InetSocketAddress> candidates) {
        return candidates.stream().map(Candidates::text).toList();
    }
}
