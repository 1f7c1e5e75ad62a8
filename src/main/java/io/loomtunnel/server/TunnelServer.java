package io.loomtunnel.server;

import io.loomtunnel.ErrorCode;
import io.loomtunnel.Version;
import io.loomtunnel.internal.admin.EventHub;
import io.loomtunnel.internal.admin.Observability;
import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.internal.http.HttpIngress;
import io.loomtunnel.internal.http.HttpRouter;
import io.loomtunnel.internal.https.AcmeChallenges;
import io.loomtunnel.internal.https.AcmeIssuer;
import io.loomtunnel.internal.https.CertificateFiles;
import io.loomtunnel.internal.https.CertificateStore;
import io.loomtunnel.internal.https.HttpsFront;
import io.loomtunnel.internal.https.HttpsRedirects;
import io.loomtunnel.internal.limits.RefusalLog;
import io.loomtunnel.internal.metrics.EndpointMetrics;
import io.loomtunnel.internal.metrics.MeterNames;
import io.loomtunnel.internal.metrics.Reasons;
import io.loomtunnel.internal.net.HostPort;
import io.loomtunnel.internal.tunnel.IdleWatch;
import io.loomtunnel.observe.Meters;
import io.loomtunnel.observe.Status;
import io.loomtunnel.session.AuthenticationException;
import io.loomtunnel.session.Session;
import io.loomtunnel.session.SessionAcceptor;
import io.loomtunnel.session.SessionListener;
import io.loomtunnel.tls.Identity;
import io.loomtunnel.tls.PeerId;
import io.loomtunnel.tls.PeerVerifier;
import io.micrometer.core.instrument.Tags;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The public side of reverse tunnels: accepts clients over TLS 1.3 sessions, authenticates them
 * by token or key, and exposes the tunnels they register. For peer-to-peer tunnels it is the
 * rendezvous (a directory of shares, signaling) and the relay of last resort. It counts what
 * happens in its {@link #metrics()} and, as its settings ask, serves them on an admin endpoint
 * (docs/METRICS.md).
 *
 * <pre>{@code
 * TunnelServer server = TunnelServer.start(ServerSettings.builder().token(secret).build(), ServerEvents.NONE);
 * System.out.println("clients pin " + server.id());
 * }</pre>
 *
 * <p>Threads: every thread the server starts belongs to one of its parts, each of which ends and
 * joins its own on close: the control-port {@link SessionListener} (one thread per client, which
 * runs its {@link ClientLink}), each TCP tunnel's port, the HTTP ingress, the {@link RelayHub}
 * and the {@link PeerDirectory}'s answer deadlines. {@link #close} closes them in that order,
 * after the clients' sessions.
 *
 * <p>Locking: {@code clientsLock} guards changes to {@code clients} (a concurrent set, read
 * without it) and {@code closing}: a client is admitted (limit and closing checked, then added)
 * in one step, so {@link #close} closes every admitted client's session, and {@code clientLeft}
 * tells close when the last one has finished. No other lock is taken under it and nothing
 * blocks under it but close's bounded wait on {@code clientLeft}. The parts set up by
 * {@link #start} ({@code listener}, {@code http}, {@code httpRoutes}, {@code observability}) are
 * written once, on the thread that calls {@link #start}, before any client can connect, and
 * reach the session threads through their start; a thread that closes the server must have
 * learned of it from that thread (as with any object handed over).
 */
public final class TunnelServer implements Closeable {
    private static final System.Logger LOG = System.getLogger(TunnelServer.class.getName());
    /** At most one line per this about TCP connections whose local service a client could not reach. */
    private static final Duration SERVICE_LOG_INTERVAL = Duration.ofSeconds(10);

    private final ServerSettings settings;
    private final ServerEvents events;
    private final Identity identity;
    private final GrantAuthenticator grants;
    private final RelayHub relays;
    private final PeerDirectory peers;
    /** Every TCP tunnel connection of every client, on one thread (not one per client session). */
    private final IdleWatch idleWatch;
    /** Strangers cause these at will (connecting to a tunnel whose service is down): rate-limited as the HTTP ingress's 502s. */
    private final RefusalLog serviceLog = new RefusalLog("tcp tunnel", SERVICE_LOG_INTERVAL,
            line -> LOG.log(System.Logger.Level.INFO, line), System::nanoTime);
    private final Set<ClientLink> clients = ConcurrentHashMap.newKeySet();
    private final InetSocketAddress bind;
    private final EndpointMetrics metrics;
    private final AtomicLong sessionNumbers = new AtomicLong();
    private final TunnelPolicies policies;
    private SessionListener listener;
    private Observability observability;
    private final EventHub hub = new EventHub();
    private HttpIngress http;
    private HttpsFront https;
    private AcmeIssuer acme;
    private HttpRoutes httpRoutes;
    private final ReentrantLock clientsLock = new ReentrantLock();
    private final Condition clientLeft = clientsLock.newCondition();
    private boolean closing;

    private TunnelServer(ServerSettings settings, ServerEvents events, Identity identity) {
        this.policies = TunnelPolicies.start(settings.plugins()); // first: a bad policy config starts nothing
        this.settings = settings;
        this.identity = identity;
        this.events = new DashboardEvents(events, hub, this::status);
        this.grants = new GrantAuthenticator(settings);
        String owner = "server " + identity.id().abbreviated();
        this.relays = new RelayHub(settings.relay(), events, owner, settings.tunnelLimits().maxOffersPerPrincipal());
        this.peers = new PeerDirectory(relays, events, owner, settings.tunnelLimits().maxOffersPerPrincipal());
        this.idleWatch = new IdleWatch(owner + " tcp", settings.tunnelLimits().tcpIdleTimeout());
        this.bind = HostPort.resolved(settings.bind());
        this.metrics = EndpointMetrics.start("server", settings.observe().registry());
        relays.registerMeters(metrics.registry(), Tags.of(MeterNames.ROLE, metrics.role()));
    }

    /**
     * Loads (or creates) the key, binds the control port and starts accepting clients.
     *
     * @param settings ports, credentials, limits
     * @param events what the server reports as it runs
     * @return the running server; close it to stop
     * @throws IOException the key file could not be read or created, or a port could not be bound
     */
    public static TunnelServer start(ServerSettings settings, ServerEvents events) throws IOException {
        TunnelServer server = new TunnelServer(settings, events, Identity.loadOrCreate(settings.keyFile()));
        try {
            server.startHttp();
            SessionAcceptor acceptor = new SessionAcceptor(server.identity, PeerVerifier.anyPeer(), server.grants, settings.session());
            server.listener = SessionListener.start(server.bind, acceptor, settings.setupLimits(), server::serve,
                    server::failed, server.events::clientRefused);
            server.observability = Observability.start(settings.observe(), new ServerAdmin(server));
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** The HTTPS listener and the HTTP ingress, as the settings ask; both before any client can register a tunnel. */
    private void startHttp() throws IOException {
        HttpsSettings tls = settings.https();
        if (settings.httpBind() == null && tls.bind() == null) {
            return;
        }
        httpRoutes = new HttpRoutes(settings.domain(), settings.tunnelLimits().httpHostHold());
        HttpRouter plain = httpRoutes;
        if (tls.bind() != null) {
            CertificateStore certificates = new CertificateStore(
                    tls.certificates().stream().map(p -> new CertificateFiles(p.certificate(), p.key())).toList());
            AcmeChallenges challenges = new AcmeChallenges();
            https = HttpsFront.start(HostPort.resolved(tls.bind()), tls.allowTls12(), tls.hsts(), settings.httpLimits().ingressConfig(),
                    certificates, httpRoutes, httpRoutes, challenges);
            httpRoutes.listeningOnHttps(https.port(), certificates::covers);
            plain = new HttpsRedirects(httpRoutes, httpRoutes, certificates::covers, tls.redirectStatus(), https::port, challenges);
            if (tls.acme().directory() != null) {
                startAcme(tls.acme(), certificates, challenges);
            }
        }
        if (settings.httpBind() != null) {
            http = HttpIngress.start(HostPort.resolved(settings.httpBind()), plain, settings.httpLimits().ingressConfig());
            httpRoutes.listeningOn(http.port());
        }
    }

    /** The ACME client: certificates it has already served at once, then the listed hosts, or each host when claimed. */
    private void startAcme(HttpsSettings.Acme a, CertificateStore certificates, AcmeChallenges challenges) throws IOException {
        AcmeIssuer.Challenge challenge = a.challenge() == null
                ? (settings.httpBind() != null ? AcmeIssuer.Challenge.HTTP_01 : AcmeIssuer.Challenge.TLS_ALPN_01)
                : a.challenge().equals("http-01") ? AcmeIssuer.Challenge.HTTP_01 : AcmeIssuer.Challenge.TLS_ALPN_01;
        java.nio.file.Path dir = a.stateDir() != null ? a.stateDir()
                : settings.keyFile().toAbsolutePath().resolveSibling("acme");
        acme = new AcmeIssuer(a.directory(), a.email(), a.ca(), dir, challenge, certificates, challenges);
        acme.start();
        if (a.hosts().isEmpty()) {
            httpRoutes.onClaim(h -> {
                if (!certificates.coveredByFile(h)) {
                    acme.want(h);
                }
            });
        } else {
            a.hosts().forEach(h -> acme.want(httpRoutes.hostFor(h)));
        }
    }

    /**
     * A session set-up that failed, or a connection the listener's limits refused: counted by
     * reason. The listener reports them as events itself, a few lines per source and interval.
     */
    private void failed(IOException failure) {
        if (failure instanceof AuthenticationException auth) {
            metrics.authFailed(auth.reason());
        } else {
            metrics.handshakeFailed(Reasons.handshake(failure));
        }
    }

    /**
     * The id clients pin.
     *
     * @return this server's key id
     */
    public PeerId id() {
        return identity.id();
    }

    /**
     * Where clients connect.
     *
     * @return the bound control address (its port is the real one when 0 was asked for)
     */
    public InetSocketAddress controlAddress() {
        return new InetSocketAddress(bind.getAddress(), listener.port());
    }

    /**
     * Connected clients.
     *
     * @return how many clients are connected now
     */
    public int clientCount() {
        return clients.size();
    }

    /**
     * Where the admin endpoint listens, or null without one.
     *
     * @return the admin endpoint's address, or null
     */
    public InetSocketAddress adminAddress() {
        return observability == null ? null : observability.adminAddress();
    }

    /**
     * This server's meters (docs/METRICS.md), to read.
     *
     * @return a read-only view of the meters
     */
    public Meters metrics() {
        return metrics.view();
    }

    /** The meters to count with, for the admin endpoint. */
    /** The dashboard's events, for ServerAdmin. */
    EventHub hub() {
        return hub;
    }

    /** The settings, for ServerAdmin's keys. */
    ServerSettings settings() {
        return settings;
    }

    EndpointMetrics counters() {
        return metrics;
    }

    /**
     * Connected clients, their tunnels, totals and throughput: what /api/status answers.
     *
     * @return a snapshot, taken now
     */
    public Status status() {
        List<ClientLink> links = List.copyOf(clients);
        List<Status.Session> sessions = links.stream().map(ClientLink::status)
                .sorted(java.util.Comparator.comparingLong(s -> Long.parseLong(s.id()))).toList();
        int tunnels = links.stream().mapToInt(ClientLink::tunnelCount).sum();
        return new Status("server", Version.SOFTWARE, id().toString(), metrics.uptime().toNanos() / 1e9,
                metrics.total().totals(sessions.size(), tunnels),
                metrics.total().throughput(), sessions);
    }

    /**
     * Ends a client's session at once.
     *
     * @param sessionId the session's number in {@link #status()}
     * @return false when no session has that number
     */
    public boolean kick(String sessionId) {
        for (ClientLink link : clients) {
            if (link.number().equals(sessionId)) {
                link.kick();
                return true;
            }
        }
        return false;
    }

    /** Runs on each session's own thread for as long as the client stays. */
    private void serve(Session session) {
        ClientLink link = new ClientLink(session, String.valueOf(sessionNumbers.incrementAndGet()),
                grants.grantOf(session), new ServerParts(metrics, settings, events, bind.getAddress(), httpRoutes, peers, idleWatch, serviceLog, policies,
                this::replaceOlder));
        Admission admission = admit(link);
        if (admission == Admission.CLOSING) {
            session.close();
            return;
        }
        if (admission == Admission.FULL) {
            metrics.handshakeFailed(Reasons.SERVER_FULL);
            session.mux().close(ErrorCode.SESSION_REFUSED, "the server has " + settings.maxClients() + " clients, its limit");
            events.clientRefused("client " + session.peer().abbreviated() + " at " + session.remoteAddress()
                    + ": the server has " + settings.maxClients() + " clients, its limit");
            return;
        }
        metrics.sessionOpened();
        session.mux().onRtt(metrics::recordRtt);
        events.clientConnected(session.peer(), session.principal(), String.valueOf(session.remoteAddress()));
        try {
            link.serve();
        } finally {
            leave(link);
            metrics.sessionClosed(link.closeReason());
        }
    }

    /**
     * Ends every session that {@code newer} makes stale (a connection its client lost, which the
     * server has not noticed yet), each within {@link ClientLink#RELEASE_WAIT}, so that its ports
     * and hosts are free for the newer session to have again. On {@code newer}'s control thread.
     */
    private void replaceOlder(ClientLink newer) {
        for (ClientLink link : clients) {
            if (newer.replaces(link)) {
                link.replaceBy(newer);
            }
        }
    }

    private enum Admission { ADMITTED, FULL, CLOSING }

    private Admission admit(ClientLink link) {
        clientsLock.lock();
        try {
            if (closing) {
                return Admission.CLOSING;
            }
            if (clients.size() >= settings.maxClients()) {
                return Admission.FULL;
            }
            clients.add(link);
            return Admission.ADMITTED;
        } finally {
            clientsLock.unlock();
        }
    }

    private void leave(ClientLink link) {
        clientsLock.lock();
        try {
            clients.remove(link);
            if (clients.isEmpty()) {
                clientLeft.signalAll();
            }
        } finally {
            clientsLock.unlock();
        }
    }

    /** Waits (at most {@code grace}) until every client's thread has finished with it; true if all have. */
    private boolean awaitNoClients(Duration grace) throws InterruptedException {
        long left = grace.toNanos();
        clientsLock.lock();
        try {
            while (!clients.isEmpty() && left > 0) {
                left = clientLeft.awaitNanos(left);
            }
            return clients.isEmpty();
        } finally {
            clientsLock.unlock();
        }
    }

    /**
     * UDP datagrams dropped by the tunnels of the clients connected now.
     *
     * @return the count
     */
    public long udpDatagramsDropped() {
        return clients.stream().mapToLong(ClientLink::udpDropped).sum();
    }

    /**
     * What the relay for peer-to-peer sessions has done so far.
     *
     * @return the relay's counts so far
     */
    public RelayStats relayStats() {
        return peers.relayStats();
    }

    /**
     * The HTTP ingress's port, or -1 without one.
     *
     * @return the port
     */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    /** The HTTP virtual hosts, or null without an ingress; for the tests of this package. */
    HttpRoutes httpRoutes() {
        return httpRoutes;
    }

    /**
     * The HTTPS listener's port, or -1 without one.
     *
     * @return the port
     */
    public int httpsPort() {
        return https == null ? -1 : https.port();
    }

    /**
     * Closes every client's session (GO_AWAY), which frees their ports and ends their tunnels'
     * connections, lets each client's thread finish releasing its tunnels, stops accepting, and
     * joins every thread the server started (each part waits at most
     * {@link OwnedThreads#DEFAULT_GRACE} for its own).
     */
    @Override
    public void close() throws IOException {
        List<ClientLink> admitted;
        clientsLock.lock();
        try {
            if (closing) {
                return;
            }
            closing = true; // from now on a new client's session is closed at once
            admitted = List.copyOf(clients);
        } finally {
            clientsLock.unlock();
        }
        try {
            if (observability != null) {
                observability.close();
            }
            admitted.forEach(c -> c.session().close());
            try {
                awaitNoClients(OwnedThreads.DEFAULT_GRACE); // each releases its tunnels, joining their threads
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (listener != null) {
                listener.close(); // joins the client threads (a late one is interrupted)
            }
            if (http != null) {
                http.close();
            }
            if (acme != null) {
                acme.close();
            }
            if (https != null) {
                https.close();
            }
        } finally {
            relays.close();
            peers.close();
            idleWatch.close();
            policies.close();
            serviceLog.flush();
            metrics.close();
        }
    }
}
