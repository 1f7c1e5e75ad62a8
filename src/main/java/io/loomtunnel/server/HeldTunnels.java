package io.loomtunnel.server;

import io.loomtunnel.observe.Status;
import io.loomtunnel.internal.metrics.TunnelCounters;
import io.loomtunnel.internal.protocol.CloseTunnel;
import io.loomtunnel.internal.policy.PolicyChain;
import io.loomtunnel.internal.protocol.OpenTunnel;
import io.loomtunnel.internal.protocol.TunnelClosed;
import io.loomtunnel.internal.protocol.TunnelOpened;
import io.loomtunnel.internal.protocol.TunnelRefused;
import io.loomtunnel.internal.protocol.TunnelReply;
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
 * (docs/protocol/TUNNEL.md 8.1, 8.4) within the server's limits and the client's grant (its
 * ports and HTTP hosts), each with its ingress (a TCP or UDP port, or an HTTP host), its counters
 * and, for TCP and HTTP, its share of the client's streams; all released when the session ends.
 *
 * <p>Thread safety: no lock. Only the session's control thread opens and closes tunnels;
 * {@code tunnels} is a concurrent map because status and metrics read it from other threads.
 */
final class HeldTunnels {
    /** A tunnel this client holds, with its counters. */
    private record Held(ExposedTunnel tunnel, TunnelType type, TunnelCounters counters, ClientStreams.Share share,
                        PolicyChain policies) {}

    private final Session session;
    private final ServerParts server;
    private final ClientGrant grant;
    private final ClientStreams streams;
    private final ClientDatagrams datagrams;
    private final Map<String, Held> tunnels = new ConcurrentHashMap<>();
    private final AtomicInteger nextTunnelId = new AtomicInteger(1);

    HeldTunnels(Session session, ServerParts server, ClientGrant grant, ClientStreams streams, ClientDatagrams datagrams) {
        this.session = session;
        this.server = server;
        this.grant = grant;
        this.streams = streams;
        this.datagrams = datagrams;
    }

    /** open_tunnel: exposes it, or says why not. */
    TunnelReply open(OpenTunnel request) throws IOException {
        try {
            Held h = expose(request);
            ExposedTunnel t = h.tunnel();
            server.events().tunnelOpened(session.peer(), request.name(), t.address());
            return new TunnelOpened(request.request(), request.name(), t.id(), t.address(), h.policies().size());
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
        if (held.share() != null) {
            held.share().close();
        }
        if (held.tunnel() instanceof UdpTunnel) {
            datagrams.remove(held.tunnel().id());
        }
        held.policies().close(); // its own: the server-wide ones stay
        server.metrics().tunnelClosed(held.type().wireName());
        server.metrics().release(held.counters());
    }

    private Held expose(OpenTunnel request) throws IOException, PortBinder.RefusedException {
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
        PolicyChain own = server.policies().declared(name, request.policies()); // before anything is bound
        int id = nextTunnelId.getAndIncrement();
        TunnelCounters counters = server.metrics().openTunnel(session.peer().abbreviated(), name, type.wireName());
        ClientStreams.Share share = type == TunnelType.UDP ? null : streams.share(name, counters);
        try {
            ExposedTunnel tunnel = bind(type, id, name, port, request.preferredPort(), request.host(),
                    Boolean.TRUE.equals(request.passthrough()), counters, share, server.policies().forTunnel(own));
            if (session.mux().isClosed()) {
                tunnel.close(); // the client left while we were binding
            }
            Held held = new Held(tunnel, type, counters, share, own);
            tunnels.put(name, held);
            server.metrics().tunnelOpened(type.wireName());
            return held;
        } catch (IOException | PortBinder.RefusedException | RuntimeException e) {
            own.close();
            if (share != null) {
                share.close();
            }
            server.metrics().release(counters);
            throw e;
        }
    }

    private ExposedTunnel bind(TunnelType type, int id, String name, int port, Integer preferred, String host, boolean passthrough,
                               TunnelCounters counters, ClientStreams.Share share, PolicyChain policies)
            throws IOException, PortBinder.RefusedException {
        ServerSettings settings = server.settings();
        TunnelLimits limits = settings.tunnelLimits();
        return switch (type) {
            case TCP -> PortBinder.bind(port, preferred, grant.ports(), p -> TcpIngress.open(share, id, name, server.bindHost(), p,
                    settings.domain(), limits.maxConnectionsPerSource(), server.metrics(), policies));
            case UDP -> {
                UdpIngress.Limits udpLimits = new UdpIngress.Limits(settings.udpIdleTimeout(), limits.udpMaxFlows(),
                        limits.udpMaxFlowsPerSource());
                UdpIngress udp = PortBinder.bind(port, preferred, grant.ports(),
                        p -> UdpIngress.open(datagrams, id, server.bindHost(), p, udpLimits, settings.domain(), counters, name,
                                policies));
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
                if (passthrough && !server.httpRoutes().servesHttps()) {
                    throw new PortBinder.RefusedException("this server has no HTTPS listener for TLS passthrough");
                }
                yield HttpTunnel.claim(id, name, host, passthrough, grant, server.httpRoutes(), share::openUpstream, policies);
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
