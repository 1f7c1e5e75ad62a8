package io.loomtunnel.server;

import io.loomtunnel.http.HttpIngress;
import io.loomtunnel.http.HttpIngressConfig;
import io.loomtunnel.session.Session;
import io.loomtunnel.session.SessionAcceptor;
import io.loomtunnel.session.SessionListener;
import io.loomtunnel.tls.Identity;
import io.loomtunnel.tls.PeerId;
import io.loomtunnel.tls.PeerVerifier;
import io.loomtunnel.wire.ErrorCode;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The public side of reverse tunnels: accepts clients over TLS 1.3 sessions, authenticates them
 * by token or key, and exposes the tunnels they register. For peer-to-peer tunnels it is the
 * rendezvous (a directory of shares, signaling) and the relay of last resort.
 *
 * <pre>{@code
 * TunnelServer server = TunnelServer.start(ServerSettings.builder().token(secret).build(), ServerEvents.NONE);
 * System.out.println("clients pin " + server.id());
 * }</pre>
 */
public final class TunnelServer implements Closeable {
    private final ServerSettings settings;
    private final ServerEvents events;
    private final Identity identity;
    private final GrantAuthenticator grants;
    private final PeerDirectory peers;
    private final Set<ClientLink> clients = ConcurrentHashMap.newKeySet();
    private final InetSocketAddress bind;
    private SessionListener listener;
    private HttpIngress http;
    private HttpRoutes httpRoutes;

    private TunnelServer(ServerSettings settings, ServerEvents events, Identity identity) {
        this.settings = settings;
        this.events = events;
        this.identity = identity;
        this.grants = new GrantAuthenticator(settings);
        this.peers = new PeerDirectory(new RelayHub(settings.relay(), events), events);
        this.bind = resolved(settings.bind());
    }

    /** Loads (or creates) the key, binds the control port and starts accepting clients. */
    public static TunnelServer start(ServerSettings settings, ServerEvents events) throws IOException {
        TunnelServer server = new TunnelServer(settings, events, Identity.loadOrCreate(settings.keyFile()));
        if (settings.httpBind() != null) {
            server.httpRoutes = new HttpRoutes(settings.domain());
            server.http = HttpIngress.start(resolved(settings.httpBind()), server.httpRoutes, HttpIngressConfig.defaults());
            server.httpRoutes.listeningOn(server.http.port()); // before any client can register a tunnel
        }
        SessionAcceptor acceptor = new SessionAcceptor(server.identity, PeerVerifier.anyPeer(), server.grants, settings.session());
        try {
            server.listener = SessionListener.start(server.bind, acceptor, server::serve,
                    failure -> events.clientRefused(failure.getMessage()));
        } catch (IOException | RuntimeException e) {
            if (server.http != null) {
                server.http.close();
            }
            throw e;
        }
        return server;
    }

    /** The id clients pin. */
    public PeerId id() {
        return identity.id();
    }

    /** Where clients connect. */
    public InetSocketAddress controlAddress() {
        return new InetSocketAddress(bind.getAddress(), listener.port());
    }

    /** Connected clients. */
    public int clientCount() {
        return clients.size();
    }

    /** Runs on each session's own thread for as long as the client stays. */
    private void serve(Session session) {
        ClientLink link = new ClientLink(session, settings, events, bind.getAddress(), grants.portsOf(session.principal()),
                httpRoutes, peers);
        if (!admit(link)) {
            session.mux().close(ErrorCode.SESSION_REFUSED, "the server has " + settings.maxClients() + " clients, its limit");
            events.clientRefused("client " + session.peer().abbreviated() + " at " + session.remoteAddress()
                    + ": the server has " + settings.maxClients() + " clients, its limit");
            return;
        }
        events.clientConnected(session.peer(), session.principal(), String.valueOf(session.remoteAddress()));
        try {
            link.serve();
        } finally {
            clients.remove(link);
        }
    }

    private synchronized boolean admit(ClientLink link) {
        if (clients.size() >= settings.maxClients()) {
            return false;
        }
        clients.add(link);
        return true;
    }

    /** UDP datagrams dropped by the tunnels of the clients connected now. */
    public long udpDatagramsDropped() {
        return clients.stream().mapToLong(ClientLink::udpDropped).sum();
    }

    /** What the relay for peer-to-peer sessions has done so far. */
    public RelayStats relayStats() {
        return peers.relayStats();
    }

    /** The HTTP ingress's port, or -1 without one. */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    /** Stops accepting and closes every client's session (GO_AWAY), which frees their ports. */
    @Override
    public void close() throws IOException {
        listener.close();
        if (http != null) {
            http.close();
        }
        for (ClientLink c : List.copyOf(clients)) {
            c.session().close();
        }
    }

    private static InetSocketAddress resolved(InetSocketAddress a) {
        return a.isUnresolved() ? new InetSocketAddress(a.getHostString(), a.getPort()) : a;
    }
}
