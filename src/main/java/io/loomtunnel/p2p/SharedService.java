package io.loomtunnel.p2p;

import io.loomtunnel.internal.net.HostPort;
import io.loomtunnel.internal.signal.SignedBody;
import io.loomtunnel.tunnel.TunnelType;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A local service a sharing peer offers: its name (what a connecting peer asks for), TCP or UDP,
 * and where it listens ({@code target}, resolved at each connection).
 *
 * @param name what connecting peers ask for
 * @param type tcp or udp
 * @param target where the service listens
 */
public record SharedService(String name, TunnelType type, InetSocketAddress target) {
    /** The tunnel id in the UDP envelope of a session's datagrams: a session carries one service. */
    public static final int UDP_ENVELOPE_ID = 1;

    /** Checks the name and that the type is tcp or udp. */
    public SharedService {
        if (name == null || !SignedBody.SERVICE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("service name '" + name + "' must be 1-63 lowercase letters, digits or '-'");
        }
        if (type != TunnelType.TCP && type != TunnelType.UDP) {
            throw new IllegalArgumentException("service '" + name + "' must be tcp or udp");
        }
        Objects.requireNonNull(target, "target");
    }

    /**
     * A TCP service.
     *
     * @param name what connecting peers ask for
     * @param host the service's host, resolved at each connection
     * @param port the service's port
     * @return the service
     */
    public static SharedService tcp(String name, String host, int port) {
        return new SharedService(name, TunnelType.TCP, InetSocketAddress.createUnresolved(host, port));
    }

    /**
     * A UDP service.
     *
     * @param name what connecting peers ask for
     * @param host the service's host, resolved at each connection
     * @param port the service's port
     * @return the service
     */
    public static SharedService udp(String name, String host, int port) {
        return new SharedService(name, TunnelType.UDP, InetSocketAddress.createUnresolved(host, port));
    }

    /**
     * Parses {@code NAME=HOST:PORT}; the message reads after the flag's name.
     *
     * @param text the flag's value
     * @param type tcp or udp
     * @return the service
     */
    public static SharedService parse(String text, TunnelType type) {
        int eq = text.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("must be NAME=HOST:PORT, got '" + text + "'");
        }
        InetSocketAddress target;
        try {
            target = HostPort.parse(text.substring(eq + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("HOST:PORT of '" + text + "' " + e.getMessage());
        }
        return new SharedService(text.substring(0, eq), type, target);
    }

    /**
     * {@code host:port} of the target, for messages.
     *
     * @return host:port
     */
    public String targetText() {
        return HostPort.text(target);
    }
}
