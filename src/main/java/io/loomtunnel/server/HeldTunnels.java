package io.loomtunnel.server;

import io.loomtunnel.observe.Status;
import io.loomtunnel.internal.metrics.TunnelCounters;
import io.loomtunnel.internal.protocol.CloseTunnel;
import io.loomtunnel.internal.protocol.OpenTunnel;
import io.loomtunnel.internal.protocol.TunnelClosed;
import io.loomtunnel.internal.protocol.TunnelOpened;
import io.loomtunnel.internal.protocol.TunnelRefused;
import io.loomtunnel.internal.protocol.TunnelReply;
import io.loomtunnel.tunnel.PortRanges;
import io.loomtunnel.tunnel.TunnelType;
import io.loomtunnel.internal.tunnel.UdpIngress;
import io.loomtunnel.session.Session;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The tunnels one client holds on the server: opened and closed at its request
 * (docs/protocol/TUNNEL.md 8.1, 8.4) within the server's limits and the client's allowed ports,
 * each with its ingress (a TCP or UDP port, or an HTTP host) and its counters; all released when
 * the session ends.
 *
 * <p>Thread safety: no lock. Only the session's control thread opens and closes tunnels;
 * {@code tunnels} is a concurrent map because status and metrics read it from other threads.
 */
final class HeldTunnels {
    /** A tunnel this client holds, with its counters. */
    private record Held(ExposedTunnel tunnel, TunnelType type, TunnelCounters counters) {}

    private final ClientLink link;
    private final Session session;
    private final ServerParts server;
    private final PortRanges allowedPorts;
    private final ClientStreams streams;
    private final ClientDatagrams datagrams;
    private final Map<String, Held> tunnels = new ConcurrentHashMap<>();
    private final AtomicInteger nextTunnelId = new AtomicInteger(1);

    HeldTunnels(ClientLink link, ServerParts server, PortRanges allowedPorts, ClientStreams streams, ClientDatagrams datagrams) {
        this.link = link;
        this.session = link.session();
        this.server = server;
        this.allowedPorts = allowedPorts;
        this.streams = streams;
        this.datagrams = datagrams;
    }

    /** open_tunnel: exposes it, or says why not. */
    TunnelReply open(OpenTunnel request) throws IOException {
        try {
            ExposedTunnel t = expose(request);
            server.events().tunnelOpened(session.peer(), request.name(), t.address());
            return new TunnelOpened(request.request(), request.name(), t.id(), t.address());
        } catch (PortBinder.RefusedException | IllegalArgumentException e) {
            server.metrics().tunnelRefused();
            server.events().tunnelRefused(session.peer(), request.name(), e.getMessage());
            return new TunnelRefused(request.request(), request.name(), e.getMessage());
        }
    }

    /** close_tunnel: frees the port or host at once; connections in flight finish on their own. */
    TunnelReply close(CloseTunnel request) {
        Held held = request.name() == null ? null : tunnels.remove(request.name());
        if (held == null) {
            return new TunnelRefused(request.request(), request.name(), "this client has no tunnel named '" + request.name() + "'");
        }
        release(held);
        server.events().tunnelClosed(session.peer(), request.name());
        return new TunnelClosed(request.request(), request.name());
    }

    /** The session ended: every tunnel goes. */
    void releaseAll() {
        tunnels.values().forEach(this::release);
        tunnels.clear();
    }

    private void release(Held held) {
        held.tunnel().close();
        if (held.tunnel() instanceof UdpTunnel) {
            datagrams.remove(held.tunnel().id());
        }
        server.metrics().tunnelClosed(held.type().wireName());
        server.metrics().release(held.counters());
    }

    private ExposedTunnel expose(OpenTunnel request) throws IOException, PortBinder.RefusedException {
        String name = request.name();
        if (name == null || name.isBlank()) {
            throw new PortBinder.RefusedException("tunnel has no name");
        }
        if (tunnels.containsKey(name)) {
            throw new PortBinder.RefusedException("this client already has a tunnel named '" + name + "'");
        }
        if (tunnels.size() >= server.settings().maxTunnelsPerClient()) {
            throw new PortBinder.RefusedException("this client has " + tunnels.size() + " tunnels, the server's limit");
        }
        TunnelType type = TunnelType.parse(request.tunnelType());
        int port = request.remotePort() == null ? 0 : request.remotePort();
        int id = nextTunnelId.getAndIncrement();
        TunnelCounters counters = server.metrics().openTunnel(name, type.wireName());
        try {
            ExposedTunnel tunnel = bind(type, id, name, port, request.host(), counters);
            if (session.mux().isClosed()) {
                tunnel.close(); // the client left while we were binding
            }
            tunnels.put(name, new Held(tunnel, type, counters));
            server.metrics().tunnelOpened(type.wireName());
            return tunnel;
        } catch (IOException | PortBinder.RefusedException | RuntimeException e) {
            server.metrics().release(counters);
            throw e;
        }
    }

    private ExposedTunnel bind(TunnelType type, int id, String name, int port, String host, TunnelCounters counters)
            throws IOException, PortBinder.RefusedException {
        ServerSettings settings = server.settings();
        return switch (type) {
            case TCP -> PortBinder.bind(port, allowedPorts,
                    p -> TcpIngress.open(link, id, name, server.bindHost(), p, settings.domain(), counters));
            case UDP -> {
                UdpIngress udp = PortBinder.bind(port, allowedPorts,
                        p -> UdpIngress.open(datagrams, id, server.bindHost(), p, settings.udpIdleTimeout(), settings.domain(), counters));
                datagrams.add(id, udp);
                yield new UdpTunnel(udp);
            }
            case HTTP -> {
                if (server.httpRoutes() == null) {
                    throw new PortBinder.RefusedException("this server has no HTTP ingress");
                }
                if (host == null || host.isBlank()) {
                    throw new PortBinder.RefusedException("http tunnel '" + name + "' names no host");
                }
                yield HttpTunnel.claim(id, name, host, server.httpRoutes(), tunnel -> streams.openUpstream(tunnel, counters));
            }
        };
    }

    int count() {
        return tunnels.size();
    }

    /** UDP datagrams these tunnels dropped so far (too many senders, expired flows, a session going away). */
    long udpDropped() {
        long n = 0;
        for (Held h : tunnels.values()) {
            if (h.tunnel() instanceof UdpTunnel udp) {
                n += udp.ingress().dropped();
            }
        }
        return n;
    }

    List<Status.Tunnel> status() {
        List<Status.Tunnel> list = new ArrayList<>();
        tunnels.forEach((name, h) -> list.add(h.counters().tunnelStatus(name, h.type().wireName(), h.tunnel().address(), null)));
        return list;
    }
}
