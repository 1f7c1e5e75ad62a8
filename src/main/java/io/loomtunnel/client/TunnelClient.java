package io.loomtunnel.client;

import io.loomtunnel.internal.admin.EventHub;
import io.loomtunnel.internal.admin.Observability;
import io.loomtunnel.observe.Status;
import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.internal.h2.upstream.H2cServices;
import io.loomtunnel.internal.inspect.Inspector;
import io.loomtunnel.internal.metrics.EndpointMetrics;
import io.loomtunnel.tunnel.TunnelSpec;
import io.loomtunnel.session.SessionDialer;
import io.loomtunnel.tls.Identity;
import io.loomtunnel.tls.PeerId;
import io.loomtunnel.tls.PeerVerifier;
import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.metrics.Reasons;
import io.loomtunnel.internal.metrics.TunnelCounters;
import io.loomtunnel.internal.net.Backoff;
import io.loomtunnel.internal.tunnel.Splice;
import io.loomtunnel.internal.tunnel.UdpServiceFlows;
import io.loomtunnel.internal.wire.ProtocolException;
import io.loomtunnel.mux.MuxStream;
import io.loomtunnel.observe.Meters;
import io.loomtunnel.session.AuthenticationException;
import io.loomtunnel.session.Session;
import io.loomtunnel.tunnel.TunnelType;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The side of reverse tunnels next to the local services: keeps a session to the server,
 * registers the tunnels, and connects every stream the server opens to its local service.
 * A server it cannot reach, at the first start too, is tried again with backoff; after a lost
 * connection it reconnects and registers the same tunnels again, asking for the public ports the
 * server gave them before.
 * Tunnels can be opened and closed while it runs ({@link #openTunnel}, {@link #closeTunnel}); it
 * counts what happens in its {@link #metrics()} and, as its settings ask, serves them on an admin
 * endpoint (docs/METRICS.md).
 *
 * <p>The work is split by job: {@link ConnectLoop} dials, registers and reconnects;
 * {@link ServerConnection} is one session (its {@link ControlChannel} for requests, the UDP
 * hand-off, the streams); {@link ClientState} says where the client is; {@link ClientTunnels}
 * holds the tunnels. Every thread is the client's ({@code "loomtunnel client HOST:PORT: TASK"}),
 * ended and joined by {@link #close}.
 *
 * <p>Locking: {@code changes} lets one runtime open or close run at a time, so the tunnels
 * registered and the specs kept for the next connect agree; it is held across the request to the
 * server (bounded by the reply timeout). Lock order in this package: {@code changes}, then either
 * {@link ClientState}'s lock or {@link ClientTunnels}' monitor; those two are held only for a few
 * field reads and writes, never together and never across a blocking call.
 *
 * <pre>{@code
 * TunnelClient client = TunnelClient.start(ClientSettings.builder(server, serverId)
 *         .token(token).tunnel(TunnelSpec.tcp("ssh", 2222, "127.0.0.1", 22)).build(), ClientEvents.NONE);
 * client.awaitReady(Duration.ofSeconds(10)).forEach(t -> System.out.println(t.address()));
 * }</pre>
 */
public final class TunnelClient implements Closeable {
    /** How long streams in flight get to finish when the client closes. */
    private static final Duration DRAIN = Duration.ofSeconds(5);

    private final EndpointMetrics metrics;
    private final Identity identity;
    private final ClientTunnels tunnels;
    private final ClientState state = new ClientState();
    private final OwnedThreads threads;
    private final ConnectLoop loop;
    private final ReentrantLock changes = new ReentrantLock();
    private final EventHub hub = new EventHub();
    private final PeerId serverId;
    private final DashboardEvents events;
    private final ClientAdmin admin = new ClientAdmin(this);
    private final Inspector inspector;
    private final H2cServices h2c;
    private Observability observability;
    private Future<?> looping;

    private TunnelClient(ClientSettings settings, ClientEvents events, Identity identity) {
        this.identity = identity;
        this.serverId = settings.serverId();
        this.metrics = EndpointMetrics.start("client", settings.observe().registry());
        this.tunnels = new ClientTunnels(settings.tunnels(), metrics, identity.id().abbreviated(),
                ClientPolicies.start(settings.plugins(), settings.tunnels()));
        this.events = new DashboardEvents(events, hub, tunnels);
        ClientSettings.Inspection i = settings.inspection();
        this.inspector = new Inspector(new Inspector.Config(i.enabled(), i.offTunnels(), i.bodyCap(), i.unmask(),
                Inspector.DEFAULT_MAX_EXCHANGES, Inspector.DEFAULT_MAX_BYTES), tunnels::httpService);
        inspector.onChange(summary -> hub.publish("request", summary)); // the dashboard's live inspector list
        InetSocketAddress server = settings.server();
        this.threads = new OwnedThreads("client " + server.getHostString() + ":" + server.getPort());
        SessionDialer dialer = new SessionDialer(identity, PeerVerifier.pinned(settings.serverId()), settings.token(), settings.session());
        this.h2c = new H2cServices(settings.h2cTunnels());
        this.loop = new ConnectLoop(settings, this.events, dialer, metrics, tunnels, state, threads, newInstanceId(), inspector, h2c);
    }

    /**
     * A random id for this client object, sent with its tunnel requests: the server replaces a session
     * of the same key and instance it still holds (a connection this client lost) with the newer
     * one, and so gives its tunnels their ports again (docs/protocol/TUNNEL.md 8.1). Two processes
     * that share a key file have two instances, and never replace each other's sessions.
     */
    private static String newInstanceId() {
        byte[] random = new byte[16];
        new java.security.SecureRandom().nextBytes(random);
        return java.util.HexFormat.of().formatHex(random);
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
        client.looping = client.threads.start("connect", client.loop);
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
            return connected().open(spec);
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
            Status.Tunnel before = tunnels.status().stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
            connected().close(name);
            if (before != null) {
                events.tunnel("closed", before);
            }
        } finally {
            changes.unlock();
        }
    }

    private ServerConnection connected() throws IOException {
        ServerConnection c = state.readyConnection();
        if (c == null) {
            throw new IOException("not connected to the server now; try again when it is");
        }
        return c;
    }

    /**
     * Waits until the first registration is done and returns the public tunnels.
     *
     * @param timeout how long to wait
     * @return the public tunnels, in the order of the settings
     * @throws IOException if the client stopped first (the message is the exit reason), a tunnel was
     *     refused, authentication failed, or the timeout passed (while reconnecting is on, a server
     *     that cannot be reached is tried again until then)
     * @throws InterruptedException interrupted while waiting
     */
    public List<PublicTunnel> awaitReady(Duration timeout) throws IOException, InterruptedException {
        return loop.awaitReady(timeout);
    }

    /**
     * Waits for the client to stop for good and says why.
     *
     * @return why the client stopped
     * @throws InterruptedException interrupted while waiting
     */
    public ClientExit awaitExit() throws InterruptedException {
        return loop.awaitExit();
    }

    /**
     * Stops: GO_AWAY to the server, streams in flight get a few seconds to finish, then every
     * thread of the client is ended and joined (within a few seconds more); exit code 0.
     */
    @Override
    public void close() {
        ServerConnection c = state.close();
        events.closing(); // the dashboard's streams hear it before they end
        observability.close();
        looping.cancel(true); // wakes a backoff pause or a connect in progress
        if (c != null) {
            c.shutdown(DRAIN);
        }
        loop.finish(ClientExit.CLOSED, "closed");
        h2c.close(); // resets what is left of the h2c streams, so their threads end
        threads.close();
        inspector.close();
        tunnels.policies().close();
        metrics.close();
    }

    // ---- for ClientAdmin ----

    /** The connection to the server while its session is up, else null. */
    ServerConnection currentConnection() {
        ServerConnection c = state.connection();
        return c == null || c.session().mux().isClosed() ? null : c;
    }

    ClientTunnels tunnels() {
        return tunnels;
    }

    /** The request inspector of the HTTP tunnels (for the admin endpoint, and its event hub: {@link Inspector#onChange}). */
    Inspector inspector() {
        return inspector;
    }

    Identity identity() {
        return identity;
    }

    PeerId serverId() {
        return serverId;
    }

    EventHub hub() {
        return hub;
    }
}
