package io.loomtunnel.server;

import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.metrics.EndpointMetrics;
import io.loomtunnel.internal.metrics.Reasons;
import io.loomtunnel.internal.metrics.TunnelCounters;
import io.loomtunnel.internal.tunnel.CloseTunnel;
import io.loomtunnel.internal.tunnel.DatagramLink;
import io.loomtunnel.internal.tunnel.OpenTunnel;
import io.loomtunnel.internal.tunnel.Splice;
import io.loomtunnel.internal.tunnel.StreamPreface;
import io.loomtunnel.internal.tunnel.TunnelClosed;
import io.loomtunnel.internal.tunnel.TunnelOpened;
import io.loomtunnel.internal.tunnel.TunnelRefused;
import io.loomtunnel.internal.tunnel.UdpEnvelope;
import io.loomtunnel.internal.tunnel.UdpIngress;
import io.loomtunnel.internal.wire.ProtocolException;
import io.loomtunnel.mux.Datagram;
import io.loomtunnel.mux.MuxStream;
import io.loomtunnel.mux.SessionClosedException;
import io.loomtunnel.observe.Status;
import io.loomtunnel.session.ControlCodec;
import io.loomtunnel.session.Session;
import io.loomtunnel.tunnel.PortRanges;
import io.loomtunnel.tunnel.TunnelType;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's side of one connected client: answers its control messages, holds its tunnels and
 * their ingress, relays each incoming connection as a stream, and tears everything down when the
 * session ends. One client's tunnels, limits and failures never touch another's. It counts its
 * streams, bytes and datagrams in the server's metrics.
 */
final class ClientLink implements DatagramLink {
    /** How long an ingress connection waits for room in the client's accept backlog. */
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(10);

    private final Session session;
    private final String number;
    private final EndpointMetrics metrics;
    private final long startNanos = System.nanoTime();
    private volatile boolean kicked;
    private final ServerSettings settings;
    private final ServerEvents events;
    private final InetAddress bindHost;
    private final PortRanges allowedPorts;
    private final HttpRoutes httpRoutes;
    private final PeerDirectory peers;
    private final Semaphore streams;
    private final Map<String, Held> tunnels = new ConcurrentHashMap<>();
    private final Map<Integer, UdpIngress> udpById = new ConcurrentHashMap<>();
    private final AtomicInteger nextTunnelId = new AtomicInteger(1);
    private final AtomicInteger nextFlowId = new AtomicInteger(1);
    private volatile Thread datagramDispatcher;

    /** A tunnel this client holds, with its counters. */
    private record Held(ExposedTunnel tunnel, TunnelType type, TunnelCounters counters) {}

    /**
     * @param number the server's number for the session, what the operator's {@code kick} names
     * @param httpRoutes the server's virtual hosts, or null when it has no HTTP ingress
     * @param peers the peer-to-peer directory and relay, for {@code p2p_*} messages
     */
    ClientLink(Session session, String number, EndpointMetrics metrics, ServerSettings settings, ServerEvents events,
               InetAddress bindHost, PortRanges allowedPorts, HttpRoutes httpRoutes, PeerDirectory peers) {
        this.session = session;
        this.number = number;
        this.metrics = metrics;
        this.settings = settings;
        this.events = events;
        this.bindHost = bindHost;
        this.allowedPorts = allowedPorts;
        this.httpRoutes = httpRoutes;
        this.peers = peers;
        this.streams = new Semaphore(settings.maxStreamsPerClient());
    }

    Session session() {
        return session;
    }

    String number() {
        return number;
    }

    /** Ends the session at once on the operator's request; the client sees GO_AWAY and may come back. */
    void kick() {
        kicked = true;
        session.mux().close(ErrorCode.NO_ERROR, "closed by the server's operator");
    }

    /** Why the session ended, as a fixed word for the sessions.closed meter. */
    String closeReason() {
        return kicked ? Reasons.KICKED : Reasons.sessionClosed(session.mux().closeCause());
    }

    /** This session and its tunnels, for /api/status. */
    Status.Session status() {
        List<Status.Tunnel> list = new ArrayList<>();
        tunnels.forEach((name, h) -> list.add(h.counters().tunnelStatus(name, h.type().wireName(), h.tunnel().address(), null)));
        Duration rtt = session.mux().rtt();
        return new Status.Session(number, session.peer().abbreviated(), session.principal(),
                String.valueOf(session.remoteAddress()), rtt == null ? null : rtt.toNanos() / 1e6,
                (System.nanoTime() - startNanos) / 1e9, session.mux().streamCount(), list);
    }

    int tunnelCount() {
        return tunnels.size();
    }

    /** The control loop, on the session's own thread, until the session ends; then every tunnel closes. */
    void serve() {
        String reason = "session ended";
        try {
            while (true) {
                ControlCodec.Message m = ControlCodec.decode(session.mux().receiveControl(Duration.ZERO));
                if (m.type().equals(OpenTunnel.TYPE)) {
                    open(m.as(OpenTunnel.class));
                } else if (m.type().equals(CloseTunnel.TYPE)) {
                    close(m.as(CloseTunnel.class));
                } else if (PeerDirectory.handles(m.type())) {
                    peers.handle(session, m);
                } else {
                    session.mux().sendControl(ControlCodec.encode("error",
                            new ErrorReply("unknown control message type '" + m.type() + "'")));
                }
            }
        } catch (ProtocolException e) {
            reason = e.getMessage();
            session.mux().close(e.code(), e.getMessage());
        } catch (SessionClosedException e) {
            reason = e.getMessage();
        } catch (IOException e) {
            reason = e.getMessage();
            session.close();
        } finally {
            peers.closed(session);
            tunnels.values().forEach(this::release);
            tunnels.clear();
            events.clientDisconnected(session.peer(), reason);
        }
    }

    /** A reply to a control message we do not know. */
    record ErrorReply(String reason) {}

    private void open(OpenTunnel request) throws IOException {
        byte[] reply;
        try {
            ExposedTunnel t = expose(request);
            reply = ControlCodec.encode(TunnelOpened.TYPE, new TunnelOpened(request.request(), request.name(),
                    t.id(), t.address()));
            events.tunnelOpened(session.peer(), request.name(), t.address());
        } catch (PortBinder.RefusedException | IllegalArgumentException e) {
            reply = ControlCodec.encode(TunnelRefused.TYPE, new TunnelRefused(request.request(), request.name(), e.getMessage()));
            metrics.tunnelRefused();
            events.tunnelRefused(session.peer(), request.name(), e.getMessage());
        }
        session.mux().sendControl(reply);
    }

    /** close_tunnel: frees the port or host at once; connections in flight finish on their own. */
    private void close(CloseTunnel request) throws IOException {
        Held held = request.name() == null ? null : tunnels.remove(request.name());
        if (held == null) {
            session.mux().sendControl(ControlCodec.encode(TunnelRefused.TYPE, new TunnelRefused(request.request(),
                    request.name(), "this client has no tunnel named '" + request.name() + "'")));
            return;
        }
        release(held);
        session.mux().sendControl(ControlCodec.encode(TunnelClosed.TYPE, new TunnelClosed(request.request(), request.name())));
        events.tunnelClosed(session.peer(), request.name());
    }

    private void release(Held held) {
        held.tunnel().close();
        if (held.tunnel() instanceof UdpTunnel) {
            udpById.remove(held.tunnel().id());
        }
        metrics.tunnelClosed(held.type().wireName());
        metrics.release(held.counters());
    }

    private ExposedTunnel expose(OpenTunnel request) throws IOException, PortBinder.RefusedException {
        String name = request.name();
        if (name == null || name.isBlank()) {
            throw new PortBinder.RefusedException("tunnel has no name");
        }
        if (tunnels.containsKey(name)) {
            throw new PortBinder.RefusedException("this client already has a tunnel named '" + name + "'");
        }
        if (tunnels.size() >= settings.maxTunnelsPerClient()) {
            throw new PortBinder.RefusedException("this client has " + tunnels.size() + " tunnels, the server's limit");
        }
        TunnelType type = TunnelType.parse(request.tunnelType());
        int port = request.remotePort() == null ? 0 : request.remotePort();
        int id = nextTunnelId.getAndIncrement();
        TunnelCounters counters = metrics.openTunnel(name, type.wireName());
        try {
            ExposedTunnel tunnel = bind(type, id, name, port, request.host(), counters);
            if (session.mux().isClosed()) {
                tunnel.close(); // the client left while we were binding
            }
            tunnels.put(name, new Held(tunnel, type, counters));
            metrics.tunnelOpened(type.wireName());
            return tunnel;
        } catch (IOException | PortBinder.RefusedException | RuntimeException e) {
            metrics.release(counters);
            throw e;
        }
    }

    private ExposedTunnel bind(TunnelType type, int id, String name, int port, String host, TunnelCounters counters)
            throws IOException, PortBinder.RefusedException {
        return switch (type) {
            case TCP -> PortBinder.bind(port, allowedPorts,
                    p -> TcpIngress.open(this, id, name, bindHost, p, settings.domain(), counters));
            case UDP -> {
                UdpIngress udp = PortBinder.bind(port, allowedPorts,
                        p -> UdpIngress.open(this, id, bindHost, p, settings.udpIdleTimeout(), settings.domain(), counters));
                udpById.put(id, udp);
                startDatagramDispatcher();
                yield new UdpTunnel(udp);
            }
            case HTTP -> {
                if (httpRoutes == null) {
                    throw new PortBinder.RefusedException("this server has no HTTP ingress");
                }
                if (host == null || host.isBlank()) {
                    throw new PortBinder.RefusedException("http tunnel '" + name + "' names no host");
                }
                yield HttpTunnel.claim(id, name, host, httpRoutes, tunnel -> openUpstream(tunnel, counters));
            }
        };
    }

    /** UDP datagrams this client's tunnels dropped so far (too many senders, expired flows, a session going away). */
    long udpDropped() {
        long n = 0;
        for (Held h : tunnels.values()) {
            if (h.tunnel() instanceof UdpTunnel udp) {
                n += udp.ingress().dropped();
            }
        }
        return n;
    }

    /** Relays one public TCP connection through a new stream; returns when the connection ends. */
    void relay(Socket socket, String tunnel, TunnelCounters counters) {
        if (!streams.tryAcquire()) {
            metrics.streamRefused(Reasons.STREAM_LIMIT);
            closeQuietly(socket); // over this client's connection limit
            return;
        }
        try {
            MuxStream stream;
            try {
                stream = session.mux().open(OPEN_TIMEOUT);
            } catch (IOException e) {
                metrics.streamRefused(Reasons.OPEN_FAILED);
                throw e;
            }
            counters.streamsOpened().increment();
            boolean clean = false;
            try {
                new StreamPreface(tunnel, address(socket)).writeTo(stream.output());
                clean = Splice.run(socket, stream, "tcp-" + tunnel, counters.bytesIn(), counters.bytesOut());
            } finally {
                counters.streamsClosed().increment();
                if (!clean) {
                    counters.streamsReset().increment();
                }
            }
        } catch (IOException e) {
            closeQuietly(socket);
        } finally {
            streams.release();
        }
    }

    /** Opens a stream for one HTTP request, counted against the client's stream limit until closed. */
    private StreamUpstream openUpstream(String tunnel, TunnelCounters counters) throws IOException {
        if (!streams.tryAcquire()) {
            metrics.streamRefused(Reasons.STREAM_LIMIT);
            throw new IOException("client " + session.peer().abbreviated() + " has " + settings.maxStreamsPerClient()
                    + " connections, its limit");
        }
        try {
            MuxStream stream = session.mux().open(OPEN_TIMEOUT);
            new StreamPreface(tunnel, "http").writeTo(stream.output());
            counters.streamsOpened().increment();
            return new StreamUpstream(stream, counters, () -> {
                counters.streamsClosed().increment();
                streams.release();
            });
        } catch (IOException | RuntimeException e) {
            metrics.streamRefused(Reasons.OPEN_FAILED);
            streams.release();
            throw e;
        }
    }

    // ---- UDP ----

    @Override
    public int newFlowId() {
        return nextFlowId.getAndIncrement();
    }

    @Override
    public void sendDatagram(int flowId, byte[] buffer, int length) throws IOException {
        session.mux().sendDatagram(flowId, buffer, 0, length);
    }

    private void startDatagramDispatcher() {
        synchronized (this) {
            if (datagramDispatcher == null) {
                datagramDispatcher = Thread.ofVirtual().name("udp-dispatch-" + session.peer().abbreviated())
                        .start(this::dispatchDatagrams);
            }
        }
    }

    /** Hands each datagram from the client to the tunnel its envelope names; the tunnel finds the flow. */
    private void dispatchDatagrams() {
        try {
            while (true) {
                Datagram d = session.mux().receiveDatagram(Duration.ZERO);
                UdpIngress ingress = udpById.get(UdpEnvelope.tunnelId(d.payload()));
                if (ingress != null) {
                    ingress.deliver(d.flowId(), d.payload());
                }
            }
        } catch (ProtocolException e) {
            session.mux().close(ErrorCode.PROTOCOL_ERROR, e.getMessage());
        } catch (IOException sessionEnded) {
            // the control loop tears the tunnels down
        }
    }

    private static String address(Socket s) {
        InetSocketAddress a = (InetSocketAddress) s.getRemoteSocketAddress();
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing more to do for a connection we drop
        }
    }
}
