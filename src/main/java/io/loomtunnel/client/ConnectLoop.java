package io.loomtunnel.client;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.internal.h2.upstream.H2cServices;
import io.loomtunnel.internal.inspect.Inspector;
import io.loomtunnel.internal.metrics.EndpointMetrics;
import io.loomtunnel.internal.metrics.Reasons;
import io.loomtunnel.internal.net.Backoff;
import io.loomtunnel.internal.net.HostPort;
import io.loomtunnel.ErrorCode;
import io.loomtunnel.session.AuthenticationException;
import io.loomtunnel.tls.PeerRejectedException;
import io.loomtunnel.session.Session;
import io.loomtunnel.session.SessionDialer;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The client's connection loop, on one thread of the client's: dial, register, serve until the
 * session is lost, wait (with backoff), and again, until the client stops: closed by its owner,
 * refused for good (bad credentials, a server key other than the pinned one, a tunnel refused at
 * the first start), or without {@code reconnect}. With {@code reconnect} a server that cannot be
 * reached is tried again with backoff from the very first attempt on (a client started at boot
 * before its server); failures that cannot heal by waiting are not. It moves {@link ClientState}
 * and completes the two outcomes callers wait for: the first registration, and the exit.
 *
 * <p>Thread safety: no lock. The loop's own variables live on its one thread; {@code ready} and
 * {@code exit} are completed once, from this thread or the closing one.
 */
final class ConnectLoop implements Runnable {
    private final ClientSettings settings;
    private final ClientEvents events;
    private final SessionDialer dialer;
    private final EndpointMetrics metrics;
    private final ClientTunnels tunnels;
    private final ClientState state;
    private final OwnedThreads threads;
    private final String instance;
    private final Inspector inspector;
    private final H2cServices h2c;
    private final CompletableFuture<List<PublicTunnel>> ready = new CompletableFuture<>();
    private final CompletableFuture<ClientExit> exit = new CompletableFuture<>();

    ConnectLoop(ClientSettings settings, ClientEvents events, SessionDialer dialer, EndpointMetrics metrics,
                ClientTunnels tunnels, ClientState state, OwnedThreads threads, String instance, Inspector inspector,
                H2cServices h2c) {
        this.settings = settings;
        this.events = events;
        this.dialer = dialer;
        this.metrics = metrics;
        this.tunnels = tunnels;
        this.state = state;
        this.threads = threads;
        this.instance = instance;
        this.inspector = inspector;
        this.h2c = h2c;
    }

    @Override
    public void run() {
        Backoff backoff = new Backoff(settings.backoffMin(), settings.backoffMax());
        boolean everConnected = false;
        while (!state.isClosed()) {
            Session session;
            try {
                session = dialer.dial(HostPort.resolved(settings.server()));
            } catch (AuthenticationException e) {
                metrics.authFailed(e.reason());
                finish(ClientExit.AUTH_REFUSED, e.getMessage());
                return;
            } catch (PeerRejectedException e) {
                metrics.handshakeFailed(Reasons.handshake(e));
                finish(ClientExit.SERVER_KEY_MISMATCH, "the server's key does not match --server-id: " + e.getMessage());
                return;
            } catch (IOException e) {
                if (state.isClosed()) {
                    return; // the close interrupted the connect
                }
                metrics.handshakeFailed(Reasons.handshake(e));
                String failed = everConnected ? "could not reconnect: " + e.getMessage()
                        : "could not connect to " + HostPort.text(settings.server()) + ": " + e.getMessage();
                if (!settings.reconnect()) {
                    finish(ClientExit.CONNECT_FAILED, failed); // only the first attempt gets here: a lost session ends below
                    return;
                }
                if (!pause(backoff.next(), failed)) {
                    return;
                }
                continue;
            }
            ServerConnection connection;
            try {
                connection = new ServerConnection(session, tunnels, metrics, events, threads, instance, inspector, h2c);
            } catch (RejectedExecutionException closing) {
                session.close();
                return;
            }
            if (!state.connected(connection)) {
                session.close(); // closed while dialing
                return;
            }
            if (everConnected) {
                metrics.reconnected();
            }
            metrics.sessionOpened();
            session.mux().onRtt(metrics::recordRtt);
            events.connected(session.peer(), session.cipherSuite(), everConnected);
            boolean first = !everConnected;
            everConnected = true;
            String reason;
            try {
                if (!register(connection, first)) {
                    return;
                }
                backoff.reset();
                reason = "connection lost: " + connection.serve();
            } finally {
                state.lost(connection);
                tunnels.sessionEnded();
                metrics.sessionClosed(Reasons.sessionClosed(session.mux().closeCause()));
            }
            if (state.isClosed()) {
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
    private boolean register(ServerConnection connection, boolean first) {
        Session session = connection.session();
        ServerConnection.Registration done;
        try {
            done = connection.register(tunnels.specs(), first);
        } catch (IOException e) {
            session.mux().close(ErrorCode.PROTOCOL_ERROR, "registration failed: " + e.getMessage());
            return true; // serving sees the closed session, and the loop reconnects
        }
        if (done.stoppedAt() != null) {
            session.close();
            finish(ClientExit.TUNNEL_REFUSED, "tunnel '" + done.stoppedAt().name() + "' refused: " + done.stoppedAt().reason());
            return false;
        }
        state.registered(connection);
        ready.complete(done.opened());
        return true;
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
        return !state.isClosed();
    }

    /** The client stopped for good: the exit, and a failed ready unless it was ready before. */
    void finish(int code, String reason) {
        if (exit.complete(new ClientExit(code, reason))) {
            ready.completeExceptionally(new IOException(reason));
        }
    }

    List<PublicTunnel> awaitReady(Duration timeout) throws IOException, InterruptedException {
        try {
            return ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new SocketTimeoutException("tunnels not ready within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        }
    }

    ClientExit awaitExit() throws InterruptedException {
        try {
            return exit.get();
        } catch (ExecutionException e) {
            return new ClientExit(1, String.valueOf(e.getCause()));
        }
    }
}
