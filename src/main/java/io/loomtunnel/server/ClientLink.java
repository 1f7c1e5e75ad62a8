package io.loomtunnel.server;

import io.loomtunnel.mux.Datagram;
import io.loomtunnel.mux.MuxStream;
import io.loomtunnel.mux.SessionClosedException;
import io.loomtunnel.session.ControlCodec;
import io.loomtunnel.session.Session;
import io.loomtunnel.tunnel.DatagramLink;
import io.loomtunnel.tunnel.OpenTunnel;
import io.loomtunnel.tunnel.PortRanges;
import io.loomtunnel.tunnel.Splice;
import io.loomtunnel.tunnel.StreamPreface;
import io.loomtunnel.tunnel.TunnelOpened;
import io.loomtunnel.tunnel.TunnelRefused;
import io.loomtunnel.tunnel.TunnelType;
import io.loomtunnel.tunnel.UdpEnvelope;
import io.loomtunnel.tunnel.UdpIngress;
import io.loomtunnel.wire.ErrorCode;
import io.loomtunnel.wire.ProtocolException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's side of one connected client: answers its control messages, holds its tunnels and
 * their ingress, relays each incoming connection as a stream, and tears everything down when the
 * session ends. One client's tunnels, limits and failures never touch another's.
 */
final class ClientLink implements DatagramLink {
    /** How long an ingress connection waits for room in the client's accept backlog. */
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(10);

    private final Session session;
    private final ServerSettings settings;
    private final ServerEvents events;
    private final InetAddress bindHost;
    private final PortRanges allowedPorts;
    private final HttpRoutes httpRoutes;
    private final PeerDirectory peers;
    private final Semaphore streams;
    private final Map<String, ExposedTunnel> tunnels = new ConcurrentHashMap<>();
    private final Map<Integer, UdpIngress> udpById = new ConcurrentHashMap<>();
    private final AtomicInteger nextTunnelId = new AtomicInteger(1);
    private final AtomicInteger nextFlowId = new AtomicInteger(1);
    private volatile Thread datagramDispatcher;

    /**
     * @param httpRoutes the server's virtual hosts, or null when it has no HTTP ingress
     * @param peers the peer-to-peer directory and relay, for {@code p2p_*} messages
     */
    ClientLink(Session session, ServerSettings settings, ServerEvents events, InetAddress bindHost, PortRanges allowedPorts,
               HttpRoutes httpRoutes, PeerDirectory peers) {
        this.session = session;
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

    /** The control loop, on the session's own thread, until the session ends; then every tunnel closes. */
    void serve() {
        String reason = "session ended";
        try {
            while (true) {
                ControlCodec.Message m = ControlCodec.decode(session.mux().receiveControl(Duration.ZERO));
                if (m.type().equals(OpenTunnel.TYPE)) {
                    open(m.as(OpenTunnel.class));
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
            tunnels.values().forEach(ExposedTunnel::close);
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
            events.tunnelRefused(session.peer(), request.name(), e.getMessage());
        }
        session.mux().sendControl(reply);
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
        ExposedTunnel tunnel = switch (type) {
            case TCP -> PortBinder.bind(port, allowedPorts,
                    p -> TcpIngress.open(this, id, name, bindHost, p, settings.domain()));
            case UDP -> {
                UdpIngress udp = PortBinder.bind(port, allowedPorts,
                        p -> UdpIngress.open(this, id, bindHost, p, settings.udpIdleTimeout(), settings.domain()));
                udpById.put(id, udp);
                startDatagramDispatcher();
                yield new UdpTunnel(udp);
            }
            case HTTP -> {
                if (httpRoutes == null) {
                    throw new PortBinder.RefusedException("this server has no HTTP ingress");
                }
                if (request.host() == null || request.host().isBlank()) {
                    throw new PortBinder.RefusedException("http tunnel '" + name + "' names no host");
                }
                yield HttpTunnel.claim(id, name, request.host(), httpRoutes, this::openUpstream);
            }
        };
        if (session.mux().isClosed()) {
            tunnel.close(); // the client left while we were binding
        }
        tunnels.put(name, tunnel);
        return tunnel;
    }

    /** UDP datagrams this client's tunnels dropped so far (too many senders, expired flows, a session going away). */
    long udpDropped() {
        long n = 0;
        for (ExposedTunnel t : tunnels.values()) {
            if (t instanceof UdpTunnel udp) {
                n += udp.ingress().dropped();
            }
        }
        return n;
    }

    /** Relays one public TCP connection through a new stream; returns when the connection ends. */
    void relay(Socket socket, String tunnel) {
        if (!streams.tryAcquire()) {
            closeQuietly(socket); // over this client's connection limit
            return;
        }
        try {
            MuxStream stream = session.mux().open(OPEN_TIMEOUT);
            new StreamPreface(tunnel, address(socket)).writeTo(stream.output());
            Splice.run(socket, stream, "tcp-" + tunnel);
        } catch (IOException e) {
            closeQuietly(socket);
        } finally {
            streams.release();
        }
    }

    /** Opens a stream for one HTTP request, counted against the client's stream limit until closed. */
    private StreamUpstream openUpstream(String tunnel) throws IOException {
        if (!streams.tryAcquire()) {
            throw new IOException("client " + session.peer().abbreviated() + " has " + settings.maxStreamsPerClient()
                    + " connections, its limit");
        }
        try {
            MuxStream stream = session.mux().open(OPEN_TIMEOUT);
            new StreamPreface(tunnel, "http").writeTo(stream.output());
            return new StreamUpstream(stream, streams::release);
        } catch (IOException | RuntimeException e) {
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
