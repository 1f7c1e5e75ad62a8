package io.loomtunnel.client;

import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.admin.Observability;
import io.loomtunnel.internal.metrics.EndpointMetrics;
import io.loomtunnel.internal.metrics.Reasons;
import io.loomtunnel.internal.metrics.TunnelCounters;
import io.loomtunnel.internal.net.Backoff;
import io.loomtunnel.internal.tunnel.CloseTunnel;
import io.loomtunnel.internal.tunnel.OpenTunnel;
import io.loomtunnel.internal.tunnel.Splice;
import io.loomtunnel.internal.tunnel.StreamPreface;
import io.loomtunnel.internal.tunnel.TunnelClosed;
import io.loomtunnel.internal.tunnel.TunnelOpened;
import io.loomtunnel.internal.tunnel.TunnelRefused;
import io.loomtunnel.internal.tunnel.UdpServiceFlows;
import io.loomtunnel.internal.wire.ProtocolException;
import io.loomtunnel.mux.MuxStream;
import io.loomtunnel.observe.Meters;
import io.loomtunnel.observe.Status;
import io.loomtunnel.session.AuthenticationException;
import io.loomtunnel.session.ControlCodec;
import io.loomtunnel.session.Session;
import io.loomtunnel.session.SessionDialer;
import io.loomtunnel.tls.Identity;
import io.loomtunnel.tls.PeerVerifier;
import io.loomtunnel.tunnel.TunnelSpec;
import io.loomtunnel.tunnel.TunnelType;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The side of reverse tunnels next to the local services: keeps a session to the server,
 * registers the tunnels, and connects every stream the server opens to its local service.
 * After a lost connection it reconnects with backoff and registers the same tunnels again.
 * Tunnels can be opened and closed while it runs ({@link #openTunnel}, {@link #closeTunnel}); it
 * counts what happens in its {@link #metrics()} and, as its settings ask, serves them on an admin
 * endpoint (docs/METRICS.md).
 *
 * <p>Locking: {@code changes} lets one runtime open or close run at a time, so the tunnels
 * registered and the specs kept for the next connect agree; {@code this} guards which session's
 * datagrams are being handed on.
 *
 * <pre>{@code
 * TunnelClient client = TunnelClient.start(ClientSettings.builder(server, serverId)
 *         .token(token).tunnel(TunnelSpec.tcp("ssh", 2222, "127.0.0.1", 22)).build(), ClientEvents.NONE);
 * client.awaitReady(Duration.ofSeconds(10)).forEach(t -> System.out.println(t.address()));
 * }</pre>
 */
public final class TunnelClient implements Closeable {
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(10);
    /** open_tunnel requests in flight at once: well below the server's control queue (docs/protocol/TUNNEL.md 8.1). */
    private static final int REQUESTS_IN_FLIGHT = 32;
    private static final Duration LOCAL_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration UDP_IDLE = Duration.ofSeconds(120);
    private static final Duration DRAIN = Duration.ofSeconds(5);

    private final ClientSettings settings;
    private final ClientEvents events;
    private final SessionDialer dialer;
    private final Identity identity;
    private final EndpointMetrics metrics;
    private final ClientTunnels tunnels;
    private final ReentrantLock changes = new ReentrantLock();
    private final CompletableFuture<List<PublicTunnel>> ready = new CompletableFuture<>();
    private final CompletableFuture<ClientExit> exit = new CompletableFuture<>();
    private volatile boolean closing;
    private volatile Session current;
    private volatile ControlChannel control; // null while not registered
    private volatile long connectedNanos;
    private Session udpFlowsOf; // guarded by this: the session whose datagrams are being handed on
    private Thread runner;
    private Observability observability;
    private final ClientAdmin admin = new ClientAdmin(this);

    private TunnelClient(ClientSettings settings, ClientEvents events, Identity identity) {
        this.settings = settings;
        this.events = events;
        this.identity = identity;
        this.dialer = new SessionDialer(identity, PeerVerifier.pinned(settings.serverId()), settings.token(), settings.session());
        this.metrics = EndpointMetrics.start("client", settings.observe().registry());
        this.tunnels = new ClientTunnels(settings.tunnels(), metrics);
    }

    /**
     * Starts connecting in the background; see {@link #awaitReady} and {@link #awaitExit}.
     *
     * @param settings which server, which tunnels
     * @param events what the client reports as it runs
     * @return the running client; close it to stop
     * @throws IOException the key file could not be read or created, or the admin endpoint could not bind
     */
    public static TunnelClient start(ClientSettings settings, ClientEvents events) throws IOException {
        Identity identity = settings.keyFile() == null ? Identity.generate() : Identity.loadOrCreate(settings.keyFile());
        TunnelClient client = new TunnelClient(settings, events, identity);
        try {
            client.observability = Observability.start(settings.observe(), client.admin);
        } catch (IOException | RuntimeException e) {
            client.metrics.close();
            throw e;
        }
        client.runner = Thread.ofVirtual().name("client-" + settings.server()).start(client::run);
        return client;
    }

    /**
     * Where the admin endpoint listens, or null without one.
     *
     * @return the admin endpoint's address, or null
     */
    public InetSocketAddress adminAddress() {
        return observability.adminAddress();
    }

    /**
     * This client's meters (docs/METRICS.md), to read.
     *
     * @return a read-only view of the meters
     */
    public Meters metrics() {
        return metrics.view();
    }

    /** The meters to count with, for the admin endpoint. */
    EndpointMetrics counters() {
        return metrics;
    }

    /**
     * The session to the server (none while disconnected), its tunnels, totals and throughput: what /api/status answers.
     *
     * @return a snapshot, taken now
     */
    public Status status() {
        return admin.status();
    }

    /**
     * Registers one more tunnel now, and at every reconnect after; waits for the server's answer.
     *
     * @throws IOException when the server refused it (the message says why) or the client is not connected
     * @param spec the tunnel; its name must be new
     * @return the tunnel as the server exposed it
     */
    public PublicTunnel openTunnel(TunnelSpec spec) throws IOException {
        changes.lock();
        try {
            if (tunnels.has(spec.name())) {
                throw new IOException("there is a tunnel named '" + spec.name() + "' already");
            }
            ControlChannel c = connected();
            int request = c.newRequest();
            ControlCodec.Message m = c.call(request, OpenTunnel.TYPE, OpenTunnel.of(request, spec), REPLY_TIMEOUT);
            if (m.type().equals(TunnelRefused.TYPE)) {
                TunnelRefused r = m.as(TunnelRefused.class);
                events.tunnelRefused(r.name(), r.reason());
                throw new IOException("tunnel '" + spec.name() + "' refused: " + r.reason());
            }
            TunnelOpened o = expect(m, TunnelOpened.TYPE).as(TunnelOpened.class);
            PublicTunnel t = new PublicTunnel(spec, o.tunnelId(), o.address());
            tunnels.add(spec);
            tunnels.registered(t);
            if (spec.type() == TunnelType.UDP) {
                startUdpFlows(current);
            }
            events.tunnelOpened(t);
            return t;
        } finally {
            changes.unlock();
        }
    }

    /**
     * Closes a tunnel now and forgets it: the server frees its port or host, and reconnects do not register it again.
     *
     * @param name the tunnel's name
     * @throws IOException the server did not confirm, or the client is not connected
     */
    public void closeTunnel(String name) throws IOException {
        changes.lock();
        try {
            if (!tunnels.has(name)) {
                throw new IOException("there is no tunnel named '" + name + "'");
            }
            ControlChannel c = connected();
            int request = c.newRequest();
            ControlCodec.Message m = c.call(request, CloseTunnel.TYPE, new CloseTunnel(request, name), REPLY_TIMEOUT);
            if (m.type().equals(TunnelRefused.TYPE)) {
                throw new IOException("server: " + m.as(TunnelRefused.class).reason());
            }
            expect(m, TunnelClosed.TYPE);
            tunnels.remove(name);
        } finally {
            changes.unlock();
        }
    }

    // ---- for ClientAdmin ----

    Session currentSession() {
        Session s = current;
        return s == null || s.mux().isClosed() ? null : s;
    }

    long connectedNanos() {
        return connectedNanos;
    }

    ClientTunnels tunnels() {
        return tunnels;
    }

    Identity identity() {
        return identity;
    }

    private ControlChannel connected() throws IOException {
        ControlChannel c = control;
        if (c == null) {
            throw new IOException("not connected to the server now; try again when it is");
        }
        return c;
    }

    private static ControlCodec.Message expect(ControlCodec.Message m, String type) throws ProtocolException {
        if (!m.type().equals(type)) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "expected \"" + type + "\", got \"" + m.type() + "\"");
        }
        return m;
    }

    /**
     * Waits until the first registration is done and returns the public tunnels.
     *
     * @throws IOException if the client stopped first; the message is the exit reason
     * @param timeout how long to wait
     * @return the public tunnels, in the order of the settings
     * @throws IOException a tunnel was refused, authentication failed, or the timeout passed
     * @throws InterruptedException interrupted while waiting
     */
    public List<PublicTunnel> awaitReady(Duration timeout) throws IOException, InterruptedException {
        try {
            return ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new java.net.SocketTimeoutException("tunnels not ready within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * Waits for the client to stop for good and says why.
     *
     * @return why the client stopped
     * @throws InterruptedException interrupted while waiting
     */
    public ClientExit awaitExit() throws InterruptedException {
        try {
            return exit.get();
        } catch (ExecutionException e) {
            return new ClientExit(1, String.valueOf(e.getCause()));
        }
    }

    /** Stops: GO_AWAY to the server, streams in flight get a few seconds to finish, then exit code 0. */
    @Override
    public void close() {
        closing = true;
        observability.close();
        runner.interrupt(); // wakes a backoff pause or a connect in progress
        Session s = current;
        if (s != null) {
            try {
                s.mux().shutdown(DRAIN);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        finish(ClientExit.CLOSED, "closed");
        metrics.close();
    }

    // ---- the connection loop ----

    private void run() {
        Backoff backoff = new Backoff(settings.backoffMin(), settings.backoffMax());
        boolean everConnected = false;
        while (!closing) {
            Session session;
            try {
                session = dialer.dial(resolve(settings.server()));
            } catch (AuthenticationException e) {
                metrics.authFailed(e.reason());
                finish(ClientExit.AUTH_REFUSED, e.getMessage());
                return;
            } catch (IOException e) {
                metrics.handshakeFailed(Reasons.handshake(e));
                if (!everConnected) {
                    finish(ClientExit.CONNECT_FAILED, "could not connect to " + settings.server() + ": " + e.getMessage());
                    return;
                }
                if (!pause(backoff.next(), "could not reconnect: " + e.getMessage())) {
                    return;
                }
                continue;
            }
            if (everConnected) {
                metrics.reconnected();
            }
            metrics.sessionOpened();
            session.mux().onRtt(metrics::recordRtt);
            connectedNanos = System.nanoTime();
            current = session;
            events.connected(session.peer(), session.cipherSuite(), everConnected);
            boolean first = !everConnected;
            everConnected = true;
            String reason;
            try {
                if (!register(session, first)) {
                    return;
                }
                backoff.reset();
                reason = "connection lost: " + serve(session);
            } finally {
                control = null;
                tunnels.sessionEnded();
                metrics.sessionClosed(Reasons.sessionClosed(session.mux().closeCause()));
            }
            if (closing) {
                return;
            }
            if (!settings.reconnect()) {
                finish(ClientExit.CONNECTION_LOST, reason);
                return;
            }
            if (!pause(backoff.next(), reason)) {
                return;
            }
        }
    }

    /** Registers every tunnel; false if the client must stop (a refusal at the first start). */
    private boolean register(Session session, boolean first) {
        List<PublicTunnel> opened = new ArrayList<>();
        List<TunnelSpec> specs = tunnels.specs();
        try {
            int sent = 0;
            for (int answered = 0; answered < specs.size(); answered++) {
                while (sent < specs.size() && sent - answered < REQUESTS_IN_FLIGHT) {
                    session.mux().sendControl(ControlCodec.encode(OpenTunnel.TYPE, OpenTunnel.of(sent, specs.get(sent))));
                    sent++;
                }
                ControlCodec.Message m = ControlCodec.decode(session.mux().receiveControl(REPLY_TIMEOUT));
                if (m.type().equals(TunnelOpened.TYPE)) {
                    TunnelOpened o = m.as(TunnelOpened.class);
                    PublicTunnel t = new PublicTunnel(specFor(specs, o.request()), o.tunnelId(), o.address());
                    opened.add(t);
                    tunnels.registered(t);
                    events.tunnelOpened(t);
                } else if (m.type().equals(TunnelRefused.TYPE)) {
                    TunnelRefused r = m.as(TunnelRefused.class);
                    metrics.tunnelRefused();
                    events.tunnelRefused(r.name(), r.reason());
                    if (first) {
                        session.close();
                        finish(ClientExit.TUNNEL_REFUSED, "tunnel '" + r.name() + "' refused: " + r.reason());
                        return false;
                    }
                } else {
                    throw new ProtocolException(ErrorCode.PROTOCOL_ERROR,
                            "expected an answer to open_tunnel, got \"" + m.type() + "\"");
                }
            }
        } catch (IOException e) {
            session.mux().close(ErrorCode.PROTOCOL_ERROR, "registration failed: " + e.getMessage());
            return true; // the serve loop sees the closed session and reconnects
        }
        if (tunnels.hasUdp()) {
            startUdpFlows(session);
        }
        control = new ControlChannel(session.mux(), specs.size());
        ready.complete(List.copyOf(opened));
        return true;
    }

    /** Starts handing the session's datagrams to local services, once per session. */
    private synchronized void startUdpFlows(Session session) {
        if (udpFlowsOf != session) {
            udpFlowsOf = session;
            UdpServiceFlows udp = new UdpServiceFlows(session.mux(), tunnels::udpTarget, UDP_IDLE);
            Thread.ofVirtual().name("udp-flows").start(udp::run);
        }
    }

    /** The spec a reply's request number names; a number we never sent is the server's protocol error. */
    private static TunnelSpec specFor(List<TunnelSpec> specs, int request) throws ProtocolException {
        if (request < 0 || request >= specs.size()) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "answer to open_tunnel request " + request + ", which was never sent");
        }
        return specs.get(request);
    }

    /** Accepts streams until the session ends; returns why it ended. */
    private String serve(Session session) {
        try {
            while (true) {
                MuxStream stream = session.mux().accept();
                Thread.ofVirtual().name("stream-" + stream.id()).start(() -> connectLocal(stream));
            }
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    /** One connection through a tunnel: read which tunnel, connect its local service, splice. */
    private void connectLocal(MuxStream stream) {
        PublicTunnel tunnel = null;
        TunnelCounters counters = null;
        try {
            stream.setReadTimeout(REPLY_TIMEOUT);
            StreamPreface preface = StreamPreface.readFrom(stream.input());
            stream.setReadTimeout(Duration.ZERO);
            tunnel = tunnels.live(preface.tunnel());
            if (tunnel == null) {
                metrics.streamRefused(Reasons.UNKNOWN_TUNNEL);
                stream.reset(ErrorCode.REFUSED_STREAM);
                return;
            }
            counters = tunnels.counters(tunnel.spec());
            counters.streamsOpened().increment();
            Socket local = new Socket();
            local.setTcpNoDelay(true);
            local.connect(new InetSocketAddress(tunnel.spec().localHost(), tunnel.spec().localPort()),
                    (int) LOCAL_CONNECT_TIMEOUT.toMillis());
            // The service's bytes go out to the public; the public's come in to the service.
            boolean clean = Splice.run(local, stream, "tunnel-" + tunnel.spec().name(), counters.bytesOut(), counters.bytesIn());
            counters.streamsClosed().increment();
            if (!clean) {
                counters.streamsReset().increment();
            }
        } catch (IOException e) {
            if (counters != null) {
                counters.streamsClosed().increment();
                counters.streamsReset().increment();
            }
            if (tunnel != null) {
                events.localUnreachable(tunnel.spec().name(), tunnel.spec().local(), e.getMessage());
            }
            try {
                stream.reset(ErrorCode.CANCEL);
            } catch (IOException ignored) {
                // the session is gone
            }
        }
    }

    /** Waits before the next attempt; false if the client was closed meanwhile. */
    private boolean pause(Duration delay, String reason) {
        events.disconnected(reason, delay);
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return !closing;
    }

    private void finish(int code, String reason) {
        if (exit.complete(new ClientExit(code, reason))) {
            ready.completeExceptionally(new IOException(reason));
        }
    }

    private static InetSocketAddress resolve(InetSocketAddress a) {
        return a.isUnresolved() ? new InetSocketAddress(a.getHostString(), a.getPort()) : a;
    }
}
