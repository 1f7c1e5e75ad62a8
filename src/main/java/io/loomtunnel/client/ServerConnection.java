package io.loomtunnel.client;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.internal.h2.upstream.H2cBridge;
import io.loomtunnel.internal.h2.upstream.H2cServices;
import io.loomtunnel.internal.inspect.Inspector;
import io.loomtunnel.internal.metrics.EndpointMetrics;
import io.loomtunnel.internal.metrics.Reasons;
import io.loomtunnel.internal.net.HostPort;
import io.loomtunnel.internal.policy.PolicyChain;
import io.loomtunnel.internal.protocol.ErrorReply;
import io.loomtunnel.internal.protocol.MessageType;
import io.loomtunnel.internal.protocol.StreamPreface;
import io.loomtunnel.internal.protocol.TunnelClosed;
import io.loomtunnel.internal.protocol.TunnelOpened;
import io.loomtunnel.internal.protocol.TunnelRefused;
import io.loomtunnel.internal.protocol.TunnelReply;
import io.loomtunnel.internal.tunnel.LocalService;
import io.loomtunnel.internal.tunnel.SpliceTap;
import io.loomtunnel.tunnel.TunnelSpec;
import io.loomtunnel.tunnel.TunnelType;
import io.loomtunnel.internal.tunnel.UdpServiceFlows;
import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.wire.ProtocolException;
import io.loomtunnel.mux.MuxStream;
import io.loomtunnel.plugin.Connection;
import io.loomtunnel.session.Session;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One session to the server, from connect to loss: registers the client's tunnels and changes them
 * while running (through its {@link ControlChannel}), hands the session's datagrams to the local
 * UDP services, and connects each stream the server opens to its tunnel's local service. Its
 * threads (the control reader, the UDP hand-off, one per stream) are the client's.
 *
 * <p>Thread safety: no lock. Every field is final; {@code udpStarted} makes starting the UDP
 * hand-off happen once per session whichever thread asks first (registration, or a UDP tunnel
 * opened while running).
 */
final class ServerConnection {
    static final Duration REPLY_TIMEOUT = Duration.ofSeconds(10);
    /** open_tunnel requests in flight at once: well below the server's control queue (docs/protocol/TUNNEL.md 8.1). */
    static final int REQUESTS_IN_FLIGHT = 32;

    private final Session session;
    private final long connectedNanos = System.nanoTime();
    private final ClientTunnels tunnels;
    private final EndpointMetrics metrics;
    private final ClientEvents events;
    private final OwnedThreads threads;
    private final ControlChannel control;
    private final AtomicBoolean udpStarted = new AtomicBoolean();
    private final Inspector inspector;
    private final H2cServices h2c;

    /**
     * @param instance the client's instance id (docs/protocol/TUNNEL.md 8.1), the same for each of its sessions
     * @param inspector taps the streams of the HTTP tunnels it captures
     * @param h2c the connections to the local services of h2c tunnels
     */
    ServerConnection(Session session, ClientTunnels tunnels, EndpointMetrics metrics, ClientEvents events, OwnedThreads threads,
                     String instance, Inspector inspector, H2cServices h2c) {
        this.session = session;
        this.tunnels = tunnels;
        this.metrics = metrics;
        this.events = events;
        this.threads = threads;
        this.inspector = inspector;
        this.h2c = h2c;
        this.control = new ControlChannel(session.mux(), threads, instance);
    }

    Session session() {
        return session;
    }

    long connectedNanos() {
        return connectedNanos;
    }

    /** What a registration came to: the tunnels exposed, and the refusal it stopped at (or null). */
    record Registration(List<PublicTunnel> opened, TunnelRefused stoppedAt) {}

    /**
     * Registers {@code specs}, keeping up to {@link #REQUESTS_IN_FLIGHT} requests unanswered;
     * stops at the first refusal when {@code stopAtRefusal}. A tunnel that asked for any port
     * asks for the one the server gave it before; if another comes, the events say so.
     */
    Registration register(List<TunnelSpec> specs, boolean stopAtRefusal) throws IOException {
        List<PublicTunnel> opened = new ArrayList<>();
        record InFlight(TunnelSpec spec, String before, ControlChannel.Call call) {}
        Deque<InFlight> inFlight = new ArrayDeque<>();
        Iterator<TunnelSpec> next = specs.iterator();
        while (next.hasNext() || !inFlight.isEmpty()) {
            while (next.hasNext() && inFlight.size() < REQUESTS_IN_FLIGHT) {
                TunnelSpec spec = next.next();
                inFlight.add(new InFlight(spec, tunnels.givenBefore(spec),
                        control.open(spec, tunnels.portBefore(spec), tunnels.policies().declared(spec.name()))));
            }
            InFlight answered = inFlight.poll();
            switch (confirmed(answered.spec(), control.await(answered.call(), REPLY_TIMEOUT))) {
                case TunnelOpened o -> {
                    PublicTunnel t = new PublicTunnel(answered.spec(), o.tunnelId(), o.address());
                    opened.add(t);
                    tunnels.registered(t);
                    events.tunnelOpened(t);
                    if (answered.before() != null && !answered.before().equals(t.address())) {
                        events.tunnelMoved(t, answered.before());
                    }
                }
                case TunnelRefused r -> {
                    metrics.tunnelRefused();
                    events.tunnelRefused(r.name(), r.reason());
                    if (stopAtRefusal) {
                        return new Registration(opened, r);
                    }
                }
                case TunnelClosed c -> throw unexpected(c, MessageType.TUNNEL_OPENED);
                case ErrorReply e -> throw unexpected(e, MessageType.TUNNEL_OPENED);
            }
        }
        if (tunnels.hasUdp()) {
            startUdpFlows();
        }
        return new Registration(List.copyOf(opened), null);
    }

    /** Opens one more tunnel while running; the server's refusal is an IOException saying why. */
    PublicTunnel open(TunnelSpec spec) throws IOException {
        return switch (confirmed(spec, control.await(control.open(spec, null, tunnels.policies().declared(spec.name())),
                REPLY_TIMEOUT))) {
            case TunnelOpened o -> {
                PublicTunnel t = new PublicTunnel(spec, o.tunnelId(), o.address());
                tunnels.add(spec);
                tunnels.registered(t);
                if (spec.type() == TunnelType.UDP) {
                    startUdpFlows();
                }
                events.tunnelOpened(t);
                yield t;
            }
            case TunnelRefused r -> {
                events.tunnelRefused(r.name(), r.reason());
                throw new IOException("tunnel '" + spec.name() + "' refused: " + r.reason());
            }
            case TunnelClosed c -> throw unexpected(c, MessageType.TUNNEL_OPENED);
            case ErrorReply e -> throw unexpected(e, MessageType.TUNNEL_OPENED);
        };
    }

    /** Closes a tunnel while running: the server frees it; it is not registered again. */
    void close(String name) throws IOException {
        switch (control.await(control.close(name), REPLY_TIMEOUT)) {
            case TunnelClosed c -> tunnels.remove(name);
            case TunnelRefused r -> throw new IOException("server: " + r.reason());
            case TunnelOpened o -> throw unexpected(o, MessageType.TUNNEL_CLOSED);
            case ErrorReply e -> throw unexpected(e, MessageType.TUNNEL_CLOSED);
        }
    }

    /**
     * The reply, unless it opened a tunnel with policies the server did not say it runs (a server
     * from before policies ignores them): then the tunnel is closed again before any stream of it is
     * served (its streams are refused until it is registered) and the reply becomes a refusal.
     */
    private TunnelReply confirmed(TunnelSpec spec, TunnelReply reply) throws IOException {
        int declared = tunnels.policies().declaredCount(spec.name());
        if (declared == 0 || !(reply instanceof TunnelOpened o) || Integer.valueOf(declared).equals(o.policies())) {
            return reply;
        }
        control.await(control.close(spec.name()), REPLY_TIMEOUT);
        return new TunnelRefused(o.request(), o.name(), "the server does not run the tunnel's " + declared
                + " policies (a version without policies ignores them), so the tunnel was closed again");
    }

    private static ProtocolException unexpected(TunnelReply got, MessageType expected) {
        return new ProtocolException(ErrorCode.PROTOCOL_ERROR, "expected \"" + expected.tag() + "\", got \"" + got.type() + "\"");
    }

    /** Starts handing the session's datagrams to local services, once per session. */
    private void startUdpFlows() {
        if (udpStarted.compareAndSet(false, true)) {
            threads.startIfOpen("udp", new UdpServiceFlows(session.mux(), tunnels::udpTarget)::run);
        }
    }

    /** Accepts streams until the session ends, each on a thread of its own; returns why it ended. */
    String serve() {
        try {
            while (true) {
                MuxStream stream = session.mux().accept();
                if (!threads.startIfOpen("stream " + stream.id(), () -> connectLocal(stream))) {
                    LocalService.reset(stream); // the client is closing
                }
            }
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    /** One connection through a tunnel: read which tunnel, connect its local service, splice. */
    private void connectLocal(MuxStream stream) {
        PublicTunnel tunnel;
        StreamPreface preface;
        try {
            stream.setReadTimeout(REPLY_TIMEOUT);
            preface = StreamPreface.readFrom(stream.input());
            stream.setReadTimeout(Duration.ZERO);
            tunnel = tunnels.live(preface.tunnel());
        } catch (IOException e) {
            LocalService.reset(stream);
            return;
        }
        if (tunnel == null) {
            metrics.streamRefused(Reasons.UNKNOWN_TUNNEL);
            try {
                stream.reset(ErrorCode.REFUSED_STREAM);
            } catch (IOException gone) {
                // the session is gone
            }
            return;
        }
        TunnelSpec spec = tunnel.spec();
        PolicyChain local = tunnels.policies().local(spec.name());
        if (!local.isEmpty() && !local.admit(new Connection(spec.name(), visitor(preface.from())))) {
            metrics.streamRefused(Reasons.POLICY);
            try {
                stream.reset(ErrorCode.REFUSED_STREAM);
            } catch (IOException gone) {
                // the session is gone
            }
            return;
        }
        InetSocketAddress service = InetSocketAddress.createUnresolved(spec.localHost(), spec.localPort());
        Consumer<IOException> unreachable = e -> events.localUnreachable(spec.name(), spec.local(), e.getMessage());
        if (spec.type() == TunnelType.HTTP && !spec.passthrough() && h2c.serves(spec.name())) { // docs/HTTP.md, "gRPC"
            H2cBridge.serve(stream, h2c.pool(spec.name(), service), tunnels.counters(spec), unreachable, inspector.tap(spec.name()));
            return;
        }
        LocalService.splice(stream, service, tunnels.counters(spec), unreachable,
                spec.type() == TunnelType.HTTP ? inspector.tap(spec.name()) : SpliceTap.NONE);
    }

    /** The visitor's address the server reported in a stream preface, or null when it is not an address. */
    private static InetSocketAddress visitor(String from) {
        try {
            return from == null ? null : HostPort.resolved(HostPort.parse(from));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** GO_AWAY, then up to {@code drain} for the streams in flight to finish. */
    void shutdown(Duration drain) {
        try {
            session.mux().shutdown(drain);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
