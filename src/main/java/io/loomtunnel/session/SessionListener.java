package io.loomtunnel.session;

import static io.loomtunnel.internal.net.Closeables.closeQuietly;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.internal.limits.SourceRefusalLog;
import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * Listens for peers: accepts each TCP connection and sets up its session on a virtual thread of
 * its own, then hands the session to the handler on that same thread. What a connection may do
 * before it has a session is bounded by {@link SetupLimits} (docs/SECURITY.md, "Control port
 * before authentication"): set-ups in progress, in all and per source; a first-byte deadline,
 * and the handshake timeout for the whole set-up; penalties for sources whose set-ups keep failing. When every slot is taken, a new connection
 * evicts the oldest silent set-up instead of waiting, so silent connections cannot lock peers out.
 * Refusals are reported at most once per source and interval, then summarized.
 *
 * <p>Threads: all of them are the listener's ({@code "loomtunnel listener :PORT: accept"}, its
 * {@code "...: refusal log"} and {@code "...: set-up deadlines"}, and one {@code "...: peer
 * ADDRESS"} per admitted connection, which runs the handler for as long as it serves);
 * {@link #close} ends and joins them. A silent
 * connection holds a virtual thread (no platform thread) until its first-byte deadline or its
 * eviction. Locking: {@link SetupDoor}'s lock, its penalty box's and the refusal log's ({@code
 * internal.limits.PenaltyBox}, {@code SourceRefusalLog}), each a leaf; none is held while calling
 * out. {@code setupThreads} bounds set-up threads, evicted ones still ending
 * included, at twice {@link SetupLimits#maxSetups()}.
 */
public final class SessionListener implements Closeable {
    private static final System.Logger LOG = System.getLogger(SessionListener.class.getName());
    private static final Duration OVERDUE_CHECK = Duration.ofSeconds(1);
    private static final Duration ACCEPT_RETRY = Duration.ofMillis(100);

    private final ServerSocket server;
    private final OwnedThreads threads;
    private final SetupLimits limits;
    private final SetupDoor door;
    private final SourceRefusalLog refusals;
    private final Semaphore setupThreads;

    private SessionListener(ServerSocket server, SetupLimits limits, Consumer<String> onRefusal) {
        this.server = server;
        this.threads = new OwnedThreads("listener :" + server.getLocalPort());
        this.limits = limits;
        this.door = new SetupDoor(limits, System::nanoTime);
        this.refusals = new SourceRefusalLog(limits.reportInterval(), onRefusal);
        this.setupThreads = new Semaphore(2 * limits.maxSetups());
    }

    /**
     * Binds {@code bind} and accepts connections with the default {@link SetupLimits}; refusals are
     * logged (System.Logger, INFO), at most one per source and interval and then a summary.
     *
     * @param onSession runs on the connection's own virtual thread with each new session
     * @param onFailure runs with each set-up failure (bad key, token, timeout, a refusal by the limits ...)
     * @param bind where to listen
     * @param acceptor sets up each connection
     * @return the listener; close it to stop accepting
     * @throws IOException the address could not be bound
     */
    public static SessionListener start(InetSocketAddress bind, SessionAcceptor acceptor,
                                        Consumer<Session> onSession, Consumer<IOException> onFailure) throws IOException {
        return start(bind, acceptor, SetupLimits.defaults(), onSession, onFailure,
                line -> LOG.log(Level.INFO, "refused: {0}", line));
    }

    /**
     * Binds {@code bind} and accepts connections, each set up as a session on a virtual thread of
     * its own within {@code limits}.
     *
     * @param bind where to listen
     * @param acceptor sets up each connection
     * @param limits what connections may do before they have a session
     * @param onSession runs on the connection's own virtual thread with each new session
     * @param onFailure runs with every set-up failure, for counting: bad key, token, timeout, and
     *     each connection the limits refused ({@link SetupRefusedException}); it runs on the
     *     listener's threads, the accept thread for refusals, so it must be quick and not block
     * @param onRefusal runs with lines for a log, each to follow "refused: ": the first refusal from
     *     a source in each interval, then a summary of that source's others ("2,913 connections from
     *     192.0.2.7 in the last 10 s (invalid_token: 10, penalized: 2,903)"); at most a few dozen lines
     *     per interval
     * @return the listener; close it to stop accepting
     * @throws IOException the address could not be bound
     */
    public static SessionListener start(InetSocketAddress bind, SessionAcceptor acceptor, SetupLimits limits,
                                        Consumer<Session> onSession, Consumer<IOException> onFailure,
                                        Consumer<String> onRefusal) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(bind, 1024);
        SessionListener listener = new SessionListener(server, limits, onRefusal);
        listener.threads.startEvery("refusal log", limits.reportInterval(), listener.refusals::endInterval);
        listener.threads.startEvery("set-up deadlines", OVERDUE_CHECK, () -> listener.endOverdueSetups(acceptor.setupTimeout()));
        listener.threads.start("accept", () -> listener.acceptLoop(acceptor, onSession, onFailure));
        return listener;
    }

    /**
     * The bound port.
     *
     * @return the port
     */
    public int port() {
        return server.getLocalPort();
    }

    /**
     * The bound address.
     *
     * @return the address
     */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    private void acceptLoop(SessionAcceptor acceptor, Consumer<Session> onSession, Consumer<IOException> onFailure) {
        while (!server.isClosed()) {
            try {
                setupThreads.acquire();
                Socket socket = server.accept();
                SetupDoor.Admission admission = door.admit(socket);
                if (admission.evicted() != null) {
                    closeQuietly(admission.evicted().socket); // its thread fails at once and reports the eviction
                }
                if (admission.refusal() != null) {
                    setupThreads.release();
                    reset(socket);
                    failed(admission.source(), admission.refusal(), onFailure);
                    continue;
                }
                SetupDoor.Setup setup = admission.setup();
                boolean started = threads.startIfOpen("peer " + socket.getRemoteSocketAddress(),
                        () -> setUp(setup, acceptor, onSession, onFailure));
                if (!started) {
                    closeQuietly(socket); // closing: the listener takes no more peers
                    setupThreads.release();
                    return;
                }
            } catch (IOException e) {
                setupThreads.release();
                if (server.isClosed()) {
                    return; // close() closed the server socket
                }
                // Out of file descriptors, say: pause, as nginx does, rather than spin on the error.
                LOG.log(Level.WARNING, "accept on port {0} failed: {1}", port(), e.getMessage());
                if (!pauseAfterAcceptFailure()) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Waits {@link #ACCEPT_RETRY}; false when interrupted (the listener is closing). */
    private static boolean pauseAfterAcceptFailure() {
        try {
            Thread.sleep(ACCEPT_RETRY);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs on the connection's own thread: the set-up, then the handler for as long as it serves. */
    private void setUp(SetupDoor.Setup setup, SessionAcceptor acceptor, Consumer<Session> onSession,
                       Consumer<IOException> onFailure) {
        Session session;
        try {
            session = acceptor.accept(setup.socket, limits.firstByteTimeout(), setup::heard);
        } catch (IOException | RuntimeException e) {
            SetupDoor.Ending ending = door.finished(setup, true);
            setupThreads.release();
            if (e instanceof RuntimeException bug) { // a thread of an executor would drop it unseen
                LOG.log(Level.WARNING, "session set-up with " + setup.socket.getRemoteSocketAddress() + " failed", bug);
                return;
            }
            failed(setup.source, ending == SetupDoor.Ending.NONE ? (IOException) e : endedBy(ending, setup, acceptor),
                    onFailure);
            return;
        }
        SetupDoor.Ending ending = door.finished(setup, false);
        setupThreads.release();
        if (ending != SetupDoor.Ending.NONE) { // closed under a set-up that was just finishing
            session.close();
            failed(setup.source, endedBy(ending, setup, acceptor), onFailure);
            return;
        }
        onSession.accept(session);
    }

    /** What the door's ending of a set-up is reported as. */
    private IOException endedBy(SetupDoor.Ending ending, SetupDoor.Setup setup, SessionAcceptor acceptor) {
        String who = "set-up with " + setup.socket.getRemoteSocketAddress();
        if (ending == SetupDoor.Ending.OVERDUE) {
            return new SocketTimeoutException("session " + who + " took longer than "
                    + acceptor.setupTimeout().toMillis() + " ms, the handshake timeout");
        }
        return new SetupRefusedException(who + " closed to make room: " + limits.maxSetups()
                + " set-ups in progress, the limit", SetupRefusedException.EVICTED);
    }

    /**
     * Every second, closes set-ups older than the handshake timeout: TLS has its own deadline, but
     * after it each read of the preamble and hello waits up to the timeout anew, so a peer that
     * trickles them would otherwise hold its slot for as long as it likes.
     */
    private void endOverdueSetups(Duration maxAge) {
        door.endOverdue(maxAge).forEach(s -> closeQuietly(s.socket));
    }

    private void failed(String source, IOException failure, Consumer<IOException> onFailure) {
        onFailure.accept(failure);
        String reason = failure instanceof SetupRefusedException r ? r.reason()
                : failure instanceof AuthenticationException a ? a.reason() : "handshake";
        refusals.refused(source, reason, failure.getMessage());
    }

    /** Closes with a reset, at once: a refused stranger gets no graceful close, and leaves no TIME_WAIT here. */
    private static void reset(Socket socket) {
        try (socket) {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // it is gone either way
        }
    }

    /**
     * Stops accepting, then ends every thread of the listener within {@link OwnedThreads#DEFAULT_GRACE}:
     * set-ups in progress are interrupted, and so is a handler still serving a session (close the
     * sessions first for a clean end; an interrupted session read fails with InterruptedIOException).
     */
    @Override
    public void close() throws IOException {
        try {
            server.close();
        } finally {
            threads.close();
            refusals.endInterval(); // what the last interval counted
        }
    }
}
