package io.loomtunnel.internal.http;

import static io.loomtunnel.internal.net.Closeables.closeQuietly;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.internal.limits.SourceLimit;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The server's HTTP/1.1 and HTTP/2 ingress: one listener, a reverse proxy per request, each routed by its
 * Host to an HTTP tunnel, at most {@code maxConnectionsPerSource} connections open at once from one
 * source ({@link SourceLimit}; one more is closed as soon as it is accepted). What it answers
 * itself goes to a rate-limited log ({@link IngressLog}). See docs/HTTP.md.
 *
 * <p>Threads: the ingress's own, {@code "loomtunnel http :PORT: accept"}, {@code "...: timeouts"}
 * (the watchdog that ends writes and reads past their deadline), {@code "...: idle
 * upstreams"} (closes the routes' kept upstreams idle too long, {@link UpstreamPool}) and one per
 * connection ({@code "...: connection from ADDRESS"}, which runs its {@link HttpConnectionHandler});
 * {@link #close} closes every connection, which wakes its thread, and joins them all.
 *
 * <p>Locking: no lock of its own ({@code perSource}'s and the log's are leaves). {@code connections}
 * is a concurrent set; {@code closed} is volatile, set once by {@link #close} and read by the
 * accept thread, which checks it again after adding a connection so that none escapes a close
 * running meanwhile.
 */
public final class HttpIngress implements Closeable {
    private static final System.Logger LOG = System.getLogger(HttpIngress.class.getName());
    private static final Duration MIN_TICK = Duration.ofMillis(10);
    private static final Duration MAX_TICK = Duration.ofSeconds(1);
    /** How often the routes' kept upstreams are checked: a fraction of their idle timeout. */
    private static final Duration IDLE_UPSTREAM_CHECK = UpstreamPool.IDLE_TIMEOUT.dividedBy(4);

    private final ServerSocket server;
    private final HttpRouter router;
    private final HttpIngressConfig config;
    private final SourceLimit perSource;
    private final IngressLog log;
    private final Set<HttpConnectionHandler> connections = ConcurrentHashMap.newKeySet();
    private final OwnedThreads threads;
    private volatile boolean closed;

    private HttpIngress(ServerSocket server, String owner, HttpRouter router, HttpIngressConfig config, Consumer<String> log) {
        this.server = server;
        this.router = router;
        this.config = config;
        this.perSource = new SourceLimit(config.maxConnectionsPerSource());
        this.log = new IngressLog(log, System::nanoTime);
        this.threads = new OwnedThreads(owner);
    }

    /**
     * An ingress without a listener of its own, serving the connections given to {@link #adopt}
     * (TLS sockets from the HTTPS listener); its threads are named after {@code owner}.
     */
    public static HttpIngress adopting(String owner, HttpRouter router, HttpIngressConfig config) {
        HttpIngress ingress = new HttpIngress(null, owner, router, config, line -> LOG.log(System.Logger.Level.INFO, line));
        ingress.threads.startEvery("timeouts", ingress.watchdogPeriod(), ingress::expireLate);
        return ingress;
    }

    /** Binds (port 0 picks a free one) and starts accepting; what it refuses is logged at INFO. */
    public static HttpIngress start(InetSocketAddress bind, HttpRouter router, HttpIngressConfig config) throws IOException {
        return start(bind, router, config, line -> LOG.log(System.Logger.Level.INFO, line));
    }

    /** As {@link #start(InetSocketAddress, HttpRouter, HttpIngressConfig)}, the lines of its refusal log going to {@code log}. */
    static HttpIngress start(InetSocketAddress bind, HttpRouter router, HttpIngressConfig config, Consumer<String> log)
            throws IOException {
        ServerSocket server = new ServerSocket();
        try {
            server.setReuseAddress(true);
            server.bind(bind, 1024);
        } catch (IOException e) {
            server.close();
            throw e;
        }
        HttpIngress ingress = new HttpIngress(server, "http :" + server.getLocalPort(), router, config, log);
        ingress.threads.start("accept", ingress::acceptLoop);
        ingress.threads.startEvery("timeouts", ingress.watchdogPeriod(), ingress::expireLate);
        ingress.threads.startEvery("idle upstreams", IDLE_UPSTREAM_CHECK, () -> router.expireIdle(System.nanoTime()));
        return ingress;
    }

    /** The listener's port; -1 for an {@link #adopting} ingress. */
    public int port() {
        return server == null ? -1 : server.getLocalPort();
    }

    /**
     * Stops accepting, closes every connection with its upstream, joins their threads within
     * {@link OwnedThreads#DEFAULT_GRACE} and writes the refusal log's last summary; idempotent.
     */
    @Override
    public void close() {
        closed = true;
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "closing the listener: " + e);
        }
        connections.forEach(HttpConnectionHandler::close);
        threads.close();
        log.flush();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.WARNING, () -> "http accept failed: " + e);
                    pause(); // e.g. out of file descriptors: do not spin
                }
                continue;
            }
            adopt(socket);
        }
    }

    /**
     * Serves a connected socket as if this ingress had accepted it: the per-source limit, then a
     * connection thread with its handler. Closes the socket when it cannot take it.
     */
    public void adopt(Socket socket) {
        InetSocketAddress remote = (InetSocketAddress) socket.getRemoteSocketAddress();
        SourceLimit.Slot slot = perSource.enter(remote.getAddress());
        if (slot == null) {
            log.overLimit(remote.getAddress().getHostAddress());
            closeQuietly(socket); // unanswered, as the TCP tunnels do: no thread, no buffer, no write
            return;
        }
        try {
            socket.setTcpNoDelay(true);
            HttpConnectionHandler handler = new HttpConnectionHandler(socket, router, config, log, h -> {
                connections.remove(h);
                slot.close();
            }, true);
            connections.add(handler);
            if (closed) {
                handler.close(); // close() may have run before the add
            }
            if (!threads.startIfOpen("connection from " + remote.getAddress().getHostAddress() + ":" + remote.getPort(), handler)) {
                handler.close(); // closing: the ingress takes no more connections
                slot.close();
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "http connection lost at accept: " + e);
            slot.close();
            closeQuietly(socket); // nothing was sent on it
        }
    }

    /**
     * The watchdog of every connection's deadlines: its writes to the visitor (a blocking socket
     * write has no timeout of its own) and its reads from the visitor and the upstream (deadlines
     * rather than timed reads: {@link ReadDeadline}). A few times per shortest timeout it ends each
     * write or read past its deadline. One thread for the whole ingress ({@link OwnedThreads#startEvery});
     * a pass reads a few atomics per connection.
     */
    private Duration watchdogPeriod() {
        Duration shortest = Stream.of(config.sendTimeout(), config.headerTimeout(), config.idleTimeout(), config.upstreamTimeout(),
                config.bodyTimeout()).min(Comparator.naturalOrder()).orElseThrow();
        return Duration.ofNanos(Math.clamp(shortest.toNanos() / 8, MIN_TICK.toNanos(), MAX_TICK.toNanos()));
    }

    private void expireLate() {
        long now = System.nanoTime();
        for (HttpConnectionHandler c : connections) {
            if (c.expire(now)) {
                LOG.log(System.Logger.Level.DEBUG, "ended a write or read of an http connection past its deadline");
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
