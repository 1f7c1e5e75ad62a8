package io.loomtunnel.client;

import io.loomtunnel.mux.MuxStream;
import io.loomtunnel.session.AuthenticationException;
import io.loomtunnel.session.ControlCodec;
import io.loomtunnel.session.Session;
import io.loomtunnel.session.SessionDialer;
import io.loomtunnel.tls.Identity;
import io.loomtunnel.tls.PeerVerifier;
import io.loomtunnel.tunnel.OpenTunnel;
import io.loomtunnel.tunnel.Splice;
import io.loomtunnel.tunnel.StreamPreface;
import io.loomtunnel.tunnel.TunnelOpened;
import io.loomtunnel.tunnel.TunnelRefused;
import io.loomtunnel.tunnel.TunnelSpec;
import io.loomtunnel.tunnel.TunnelType;
import io.loomtunnel.tunnel.UdpServiceFlows;
import io.loomtunnel.wire.ErrorCode;
import io.loomtunnel.wire.ProtocolException;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The side of reverse tunnels next to the local services: keeps a session to the server,
 * registers the tunnels, and connects every stream the server opens to its local service.
 * After a lost connection it reconnects with backoff and registers the same tunnels again.
 *
 * <pre>{@code
 * TunnelClient client = TunnelClient.start(ClientSettings.builder(server, serverId)
 *         .token(token).tunnel(TunnelSpec.tcp("ssh", 2222, "127.0.0.1", 22)).build(), ClientEvents.NONE);
 * client.awaitReady(Duration.ofSeconds(10)).forEach(t -> System.out.println(t.address()));
 * }</pre>
 */
public final class TunnelClient implements Closeable {
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(10);
    /** open_tunnel requests in flight at once: well below the server's control queue (PROTOCOL.md 8.1). */
    private static final int REQUESTS_IN_FLIGHT = 32;
    private static final Duration LOCAL_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration UDP_IDLE = Duration.ofSeconds(120);
    private static final Duration DRAIN = Duration.ofSeconds(5);

    private final ClientSettings settings;
    private final ClientEvents events;
    private final SessionDialer dialer;
    private final CompletableFuture<List<PublicTunnel>> ready = new CompletableFuture<>();
    private final CompletableFuture<ClientExit> exit = new CompletableFuture<>();
    private volatile boolean closing;
    private volatile Session current;
    private volatile Map<String, PublicTunnel> tunnels = Map.of();
    private Thread runner;

    private TunnelClient(ClientSettings settings, ClientEvents events, Identity identity) {
        this.settings = settings;
        this.events = events;
        this.dialer = new SessionDialer(identity, PeerVerifier.pinned(settings.serverId()), settings.token(), settings.session());
    }

    /** Starts connecting in the background; see {@link #awaitReady} and {@link #awaitExit}. */
    public static TunnelClient start(ClientSettings settings, ClientEvents events) throws IOException {
        Identity identity = settings.keyFile() == null ? Identity.generate() : Identity.loadOrCreate(settings.keyFile());
        TunnelClient client = new TunnelClient(settings, events, identity);
        client.runner = Thread.ofVirtual().name("client-" + settings.server()).start(client::run);
        return client;
    }

    /**
     * Waits until the first registration is done and returns the public tunnels.
     *
     * @throws IOException if the client stopped first; the message is the exit reason
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

    /** Waits for the client to stop for good and says why. */
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
                finish(ClientExit.AUTH_REFUSED, e.getMessage());
                return;
            } catch (IOException e) {
                if (!everConnected) {
                    finish(ClientExit.CONNECT_FAILED, "could not connect to " + settings.server() + ": " + e.getMessage());
                    return;
                }
                if (!pause(backoff.next(), "could not reconnect: " + e.getMessage())) {
                    return;
                }
                continue;
            }
            current = session;
            events.connected(session.peer(), session.cipherSuite(), everConnected);
            boolean first = !everConnected;
            everConnected = true;
            if (!register(session, first)) {
                return;
            }
            backoff.reset();
            String reason = "connection lost: " + serve(session);
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
        Map<Integer, InetSocketAddress> udpByTunnelId = new HashMap<>();
        List<PublicTunnel> opened = new ArrayList<>();
        try {
            List<TunnelSpec> specs = settings.tunnels();
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
                    if (t.spec().type() == TunnelType.UDP) {
                        udpByTunnelId.put(t.tunnelId(), InetSocketAddress.createUnresolved(t.spec().localHost(), t.spec().localPort()));
                    }
                    events.tunnelOpened(t);
                } else if (m.type().equals(TunnelRefused.TYPE)) {
                    TunnelRefused r = m.as(TunnelRefused.class);
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
        tunnels = Map.copyOf(indexByName(opened));
        if (!udpByTunnelId.isEmpty()) {
            UdpServiceFlows udp = new UdpServiceFlows(session.mux(), udpByTunnelId, UDP_IDLE);
            Thread.ofVirtual().name("udp-flows").start(udp::run);
        }
        ready.complete(List.copyOf(opened));
        return true;
    }

    /** The spec a reply's request number names; a number we never sent is the server's protocol error. */
    private static TunnelSpec specFor(List<TunnelSpec> specs, int request) throws ProtocolException {
        if (request < 0 || request >= specs.size()) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "answer to open_tunnel request " + request + ", which was never sent");
        }
        return specs.get(request);
    }

    private static Map<String, PublicTunnel> indexByName(List<PublicTunnel> list) {
        Map<String, PublicTunnel> m = new HashMap<>();
        list.forEach(t -> m.put(t.spec().name(), t));
        return m;
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
        try {
            stream.setReadTimeout(REPLY_TIMEOUT);
            StreamPreface preface = StreamPreface.readFrom(stream.input());
            stream.setReadTimeout(Duration.ZERO);
            tunnel = tunnels.get(preface.tunnel());
            if (tunnel == null) {
                stream.reset(ErrorCode.REFUSED_STREAM);
                return;
            }
            Socket local = new Socket();
            local.setTcpNoDelay(true);
            local.connect(new InetSocketAddress(tunnel.spec().localHost(), tunnel.spec().localPort()),
                    (int) LOCAL_CONNECT_TIMEOUT.toMillis());
            Splice.run(local, stream, "tunnel-" + tunnel.spec().name());
        } catch (IOException e) {
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
