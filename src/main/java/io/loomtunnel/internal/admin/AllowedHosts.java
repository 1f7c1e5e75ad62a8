package io.loomtunnel.internal.admin;

import io.loomtunnel.internal.net.HostPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code Host} values the admin endpoint answers (docs/SECURITY.md, "Admin endpoint"): the
 * answer to DNS rebinding, where a page on an attacker's name that now resolves to 127.0.0.1
 * reaches the endpoint as its own origin, but still sends its own name as the Host.
 *
 * <p>Allowed, with the endpoint's port: {@code localhost}, loopback literals (127.0.0.0/8,
 * {@code [::1]}), the bound address itself, and any IP literal when bound to a wildcard (no one
 * can rebind an IP literal: the browser's origin is that address). Allowed with any port (a proxy
 * in front may serve them on 443): the names the operator configured.
 */
final class AllowedHosts {
    private static final int DEFAULT_HTTP_PORT = 80;

    private final InetSocketAddress bound;
    private final Set<String> names;

    /**
     * @param bound where the endpoint listens (the real port)
     * @param names extra names, lowercase (ObserveSettings checked them)
     */
    AllowedHosts(InetSocketAddress bound, List<String> names) {
        this.bound = bound;
        this.names = Set.copyOf(names);
    }

    /** Whether a request with this Host field value (null when it had none or several) is for this endpoint. */
    boolean allows(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        boolean hasPort = h.startsWith("[") ? h.indexOf("]:") > 0 : h.indexOf(':') >= 0;
        String name = hasPort ? h.substring(0, h.lastIndexOf(':')) : h;
        if (names.contains(name)) {
            return true;
        }
        int port = hasPort ? HostPort.port(h.substring(h.lastIndexOf(':') + 1), 1) : DEFAULT_HTTP_PORT;
        if (port != bound.getPort()) {
            return false;
        }
        if (name.equals("localhost")) {
            return true;
        }
        InetAddress literal = literal(name + ":" + port);
        return literal != null && (literal.isLoopbackAddress() || literal.equals(bound.getAddress())
                || bound.getAddress().isAnyLocalAddress());
    }

    /** An IPv4 or bracketed IPv6 literal, never a DNS look-up; null for a name. */
    private static InetAddress literal(String hostPort) {
        try {
            return HostPort.parseBind(hostPort).getAddress();
        } catch (IllegalArgumentException name) {
            return null;
        }
    }
}
