package io.loomtunnel.tunnel;

import java.util.regex.Pattern;

/**
 * One tunnel a client asks a server for: the service next to the client ({@code localHost:localPort})
 * and how the server exposes it: a TCP or UDP {@code remotePort} (0 = the server picks one), or an
 * HTTP {@code host} (a name, giving {@code NAME.DOMAIN}, or a full custom domain).
 *
 * @param name unique per client: lowercase letters, digits and '-', 1 to 63 characters
 * @param type tcp, udp or http
 * @param localHost the service's host, as the client sees it
 * @param localPort the service's port
 * @param remotePort the port on the server (tcp and udp; 0: the server picks one), 0 for http
 * @param host the HTTP host: a name (NAME.DOMAIN on the server) or a full domain; null for tcp and udp
 * @param passthrough for http: the local service terminates TLS itself; the server's HTTPS listener
 *     routes connections to it by their TLS server name and passes their bytes through untouched
 */
public record TunnelSpec(String name, TunnelType type, String localHost, int localPort, int remotePort, String host,
                         boolean passthrough) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern HOST = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    /** Checks the name, the ports and that a host goes with http and a remote port with tcp and udp. */
    public TunnelSpec {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("tunnel name '" + name + "' must be 1-63 lowercase letters, digits or '-'");
        }
        if (type == null) {
            throw new IllegalArgumentException("tunnel '" + name + "' has no type");
        }
        if (localHost == null || localHost.isBlank()) {
            throw new IllegalArgumentException("tunnel '" + name + "' has no local host");
        }
        if (localPort < 1 || localPort > 65_535) {
            throw new IllegalArgumentException("tunnel '" + name + "': local port " + localPort + " is not within 1-65535");
        }
        if (type == TunnelType.HTTP) {
            if (host == null || !HOST.matcher(host).matches()) {
                throw new IllegalArgumentException("http tunnel '" + name + "': host '" + host + "' is not a host name");
            }
            if (remotePort != 0) {
                throw new IllegalArgumentException("http tunnel '" + name + "' takes a host, not a remote port");
            }
        } else {
            if (remotePort < 0 || remotePort > 65_535) {
                throw new IllegalArgumentException("tunnel '" + name + "': remote port " + remotePort + " is not within 0-65535");
            }
            if (host != null) {
                throw new IllegalArgumentException(type.wireName() + " tunnel '" + name + "' takes a remote port, not a host");
            }
            if (passthrough) {
                throw new IllegalArgumentException(type.wireName() + " tunnel '" + name + "': TLS passthrough is for http tunnels");
            }
        }
    }

    /**
     * A tunnel without TLS passthrough.
     *
     * @param name the tunnel's name
     * @param type tcp, udp or http
     * @param localHost the service's host
     * @param localPort the service's port
     * @param remotePort the port on the server (tcp and udp), 0 for http
     * @param host the HTTP host, null for tcp and udp
     */
    public TunnelSpec(String name, TunnelType type, String localHost, int localPort, int remotePort, String host) {
        this(name, type, localHost, localPort, remotePort, host, false);
    }

    /**
     * A TCP tunnel.
     *
     * @param name the tunnel's name
     * @param remotePort the port on the server, or 0 for one it picks
     * @param localHost the service's host
     * @param localPort the service's port
     * @return the spec
     */
    public static TunnelSpec tcp(String name, int remotePort, String localHost, int localPort) {
        return new TunnelSpec(name, TunnelType.TCP, localHost, localPort, remotePort, null);
    }

    /**
     * A UDP tunnel.
     *
     * @param name the tunnel's name
     * @param remotePort the port on the server, or 0 for one it picks
     * @param localHost the service's host
     * @param localPort the service's port
     * @return the spec
     */
    public static TunnelSpec udp(String name, int remotePort, String localHost, int localPort) {
        return new TunnelSpec(name, TunnelType.UDP, localHost, localPort, remotePort, null);
    }

    /**
     * An HTTP tunnel for {@code host}: a bare name becomes NAME.DOMAIN on the server; a dotted name is an exact domain.
     *
     * @param name the tunnel's name
     * @param host a name or a full domain
     * @param localHost the service's host
     * @param localPort the service's port
     * @return the spec
     */
    public static TunnelSpec http(String name, String host, String localHost, int localPort) {
        return new TunnelSpec(name, TunnelType.HTTP, localHost, localPort, 0, host);
    }

    /**
     * A TLS passthrough tunnel for {@code host}: the server's HTTPS listener sends connections whose
     * TLS server name is that host to the local service, which terminates TLS (the server never sees
     * the plaintext nor holds the key).
     *
     * @param name the tunnel's name
     * @param host a name (NAME.DOMAIN on the server) or a full domain
     * @param localHost the TLS service's host
     * @param localPort the TLS service's port
     * @return the spec
     */
    public static TunnelSpec passthrough(String name, String host, String localHost, int localPort) {
        return new TunnelSpec(name, TunnelType.HTTP, localHost, localPort, 0, host, true);
    }

    /**
     * {@code localHost:localPort}, for messages.
     *
     * @return host:port, with brackets around an IPv6 host
     */
    public String local() {
        return (localHost.contains(":") ? "[" + localHost + "]" : localHost) + ":" + localPort;
    }
}
