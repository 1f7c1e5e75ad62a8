package io.loomtunnel.p2p;

import io.loomtunnel.internal.admin.Observability;
import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.observe.Meters;
import io.loomtunnel.observe.Status;
import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.path.CandidateDialer;
import io.loomtunnel.internal.path.Candidates;
import io.loomtunnel.internal.path.PathHints;
import io.loomtunnel.internal.path.PathRace;
import io.loomtunnel.internal.path.PeerPath;
import io.loomtunnel.internal.path.PunchPort;
import io.loomtunnel.internal.path.RelayDialer;
import io.loomtunnel.internal.path.RelayFallback;
import io.loomtunnel.internal.rendezvous.RendezvousDialer;
import io.loomtunnel.internal.rendezvous.ServerConnectSignaling;
import io.loomtunnel.internal.signal.Answer;
import io.loomtunnel.internal.signal.BlockKind;
import io.loomtunnel.internal.signal.ConnectSignaling;
import io.loomtunnel.internal.signal.Offer;
import io.loomtunnel.internal.signal.SignalException.Problem;
import io.loomtunnel.internal.signal.SignalException;
import io.loomtunnel.internal.signal.SignedBlock;
import io.loomtunnel.internal.signal.SignedBlocks;
import io.loomtunnel.internal.signal.SignedBody;
import io.loomtunnel.internal.protocol.ControlCodec;
import io.loomtunnel.internal.protocol.ControlMessage;
import io.loomtunnel.internal.protocol.MessageType;
import io.loomtunnel.internal.protocol.RelayRole;
import io.loomtunnel.internal.protocol.SessionAccepted;
import io.loomtunnel.internal.protocol.SessionRefused;
import io.loomtunnel.internal.protocol.SessionRequest;
import io.loomtunnel.internal.wire.ProtocolException;
import io.loomtunnel.session.Session;
import io.loomtunnel.session.SessionDialer;
import io.loomtunnel.tls.PeerVerifier;
import io.loomtunnel.tunnel.TunnelType;
import java.io.Closeable;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The connecting side of a peer-to-peer tunnel: each {@link #connect} signals an offer, races
 * candidate connections to the sharing peer, nominates one, and routes the local port through the
 * resulting session. The local port is bound once the first answer has come, before the path
 * race, and stays while sessions come and go (a dropped session is replaced by calling
 * {@link #connect} again). A TCP connection made while no session runs is held until one does (64
 * at once at most, each for the punch timeout at most), then closed, reported through
 * {@link ConnectEvents#connectionRefused}.
 *
 * <p>The connecting side is always the TLS client and the MUX dialer, whichever side's SYN made
 * the connection (or whether a relay carries it), and it alone nominates: it sends its request on one set-up connection at a
 * time, so both sides keep the same one.
 *
 * <p>Threads: {@link #connect} runs on the caller's thread; the connect side's own threads
 * ({@code "loomtunnel connect to PEER SERVICE: ..."}) accept on and dial from each connect's punch
 * port, ask the relay, watch each running session, and, while one runs relayed, look for a direct
 * path for it now and then ({@code "... direct probe"}; docs/P2P.md, "Paths and the path report"); the local port has its own
 * ({@link TcpEntrance}, {@link UdpEntrance}); its meters' sampler when watched ({@code "loomtunnel
 * connect metrics: sampler"}) and, as its settings ask, the admin endpoint's. {@link #close} ends and
 * joins them all.
 *
 * <p>Locking: {@code lock} guards {@code entrance} and {@code running} (the admin endpoint's
 * status takes it for a copy); the local port is bound
 * under it (a quick bind, never a wait), and nothing else blocks under it. Each connect's
 * {@code nominating} lock is held across one request and its reply (a bounded wait, at most
 * {@link #REPLY_TIMEOUT}); {@code lock} is never taken under it, nor it under {@code lock}.
 * {@code closed} is volatile, read without the lock.
 */
public final class ConnectPeer implements Closeable {
    /** How long the share has to answer a request. */
    static final Duration REPLY_TIMEOUT = Duration.ofSeconds(10);
    /** The first look for a direct path after a session came up relayed, and the longest pause between looks. */
    static final Duration PROBE_FIRST = Duration.ofSeconds(5);
    static final Duration PROBE_MAX = Duration.ofMinutes(5);
    /** Looks for a direct path per relayed session: with the pauses above, about 25 minutes of them. */
    static final int PROBES = 10;
    /** How long streams open on a relayed path may go on after the session moved to a direct one. */
    static final Duration PROBE_DRAIN = Duration.ofMinutes(10);

    private final ConnectSettings settings;
    private final ConnectEvents events;
    private final ReentrantLock lock = new ReentrantLock();
    private LocalEntrance entrance;
    private final Set<PeerSession> running = new HashSet<>();
    private final OwnedThreads threads;
    private final PeerMetering meters;
    private final PeerAdmin admin;
    private Observability observability; // set once in create, before the peer is handed out
    private volatile boolean closed;
    private final AtomicBoolean meteringEnded = new AtomicBoolean();

    private ConnectPeer(ConnectSettings settings, ConnectEvents events) {
        this.settings = settings;
        this.events = events;
        this.threads = new OwnedThreads("connect to " + settings.peer().abbreviated() + " " + settings.service());
        this.meters = new PeerMetering("connect", settings.identity().id().abbreviated(), settings.observe());
        this.admin = new PeerAdmin("connect", settings.identity().id(), meters, this::sessions, s -> localText(), s -> null,
                List.of(settings.peer() + ": " + settings.service()));
    }

    /**
     * A connecting peer; no session is set up until {@link #connect(Rendezvous)}. Its admin
     * endpoint, if its settings ask for one, serves from now on.
     *
     * @param settings which share and service, where to listen
     * @param events what it reports as it runs
     * @return the peer; close it to end its sessions
     * @throws IOException the admin endpoint could not be bound
     */
    public static ConnectPeer create(ConnectSettings settings, ConnectEvents events) throws IOException {
        ConnectPeer peer = new ConnectPeer(settings, events);
        try {
            peer.observability = Observability.start(settings.observe(), peer.admin);
        } catch (IOException | RuntimeException e) {
            peer.close();
            throw e;
        }
        return peer;
    }

    /**
     * Where the admin endpoint listens ({@code settings.observe().adminBind()}), or null without one.
     *
     * @return the admin endpoint's address, or null
     */
    public InetSocketAddress adminAddress() {
        return observability.adminAddress();
    }

    /**
     * What {@code /api/status} answers: the running sessions with their paths and counts (docs/P2P.md, "Status").
     *
     * @return a snapshot
     */
    public Status status() {
        return admin.status();
    }

    /**
     * This peer's meters (docs/METRICS.md, role {@code connect}), to read. They exist only when the
     * settings' {@code observe()} asks for watching (an admin endpoint, a JSON file, OTLP, or an
     * application registry): metering the JVM costs about a second of start-up.
     *
     * @return a read-only view of the meters, or null when nothing watches
     */
    public Meters metrics() {
        return meters.view();
    }

    /**
     * The running sessions (one at a time, but for a moment while one replaces another).
     *
     * @return a copy
     */
    public List<PeerSession> sessions() {
        lock.lock();
        try {
            return List.copyOf(running);
        } finally {
            lock.unlock();
        }
    }

    /** The local port as the status shows it. */
    private String localText() {
        InetSocketAddress a = localAddress();
        return a == null ? "-" : Candidates.text(a);
    }

    /**
     * Sets up one session through {@code server}: offer, answer, path race (the server relays when no
     * direct path works), request. Returns it running; its end is the caller's to watch
     * ({@link PeerSession#awaitEnd}).
     *
     * @param server where the share is registered
     * @return the running session
     * @throws PeerRefusedException the share refused (not allowed, service not offered, too many sessions)
     * @throws IOException the server could not be reached, the answer was unusable, or no path was found in time
     * @throws InterruptedException interrupted while waiting for the answer or a path
     */
    public PeerSession connect(Rendezvous server) throws IOException, InterruptedException {
        return connect(new ServerConnectSignaling(new RendezvousDialer(settings.identity(), server.address(), server.serverId(),
                server.token(), settings.session())));
    }

    /**
     * Not API (its parameter is internal): the CLI's manual and server signaling come through here.
     * Sets up one session: offer, answer, path race, request. Returns it running; its end is the
     * caller's to watch ({@link PeerSession#awaitEnd}).
     *
     * @throws PeerRefusedException the share refused (not allowed, service not offered, too many sessions)
     * @throws SignalException the answer was unusable (damaged, forged, expired, another session's)
     * @throws io.loomtunnel.internal.path.NoPathException no connection was set up before the deadline
     * @param signaling how the offer reaches the share and the answer comes back
     * @return the running session
     * @throws InterruptedException interrupted while waiting for the answer or a path
     */
    public PeerSession connect(ConnectSignaling signaling) throws IOException, InterruptedException {
        admin.pinnedServer(signaling.serverId());
        Established e = establish(signaling, false);
        PeerSession session = new PeerSession(e.id(), settings.peer(), settings.service(), e.type(), e.path(),
                meters.counters(settings.service(), e.type()));
        meters.started(session);
        lock.lock();
        try {
            running.add(session);
        } finally {
            lock.unlock();
        }
        e.local().attach(session);
        events.sessionStarted(session);
        admin.started(session);
        boolean watched = threads.startIfOpen("session " + session.shortId() + " watch", () -> watch(session, e.local()));
        if (!watched || closed) {
            session.close();
        }
        if (!watched) {
            watch(session, e.local()); // closed meanwhile: the session has ended, tidy up here
        } else if (session.relayed() && !settings.path().relayOnly()) {
            // Relayed, so the signaling goes through a server, and another offer costs the user nothing.
            threads.startIfOpen("session " + session.shortId() + " direct probe", () -> probeDirect(session, signaling));
        }
        return session;
    }

    /** A session set up and nominated: its id, type, path, and the local port it serves. */
    private record Established(String id, TunnelType type, PeerPath path, LocalEntrance local) {}

    /**
     * Offer, answer, path race, request; with {@code directOnly}, the relay is not asked (a probe
     * for a direct path while a relayed session runs).
     */
    private Established establish(ConnectSignaling signaling, boolean directOnly) throws IOException, InterruptedException {
        boolean relayOnly = settings.path().relayOnly();
        try (PunchPort port = PunchPort.bind(settings.path().bind())) {
            if (relayOnly) {
                port.close(); // bound, so a server session can come from it, but nobody is to connect here
            }
            List<InetSocketAddress> candidates = relayOnly ? List.of()
                    : Candidates.gather(port.localAddress(), settings.path().extraCandidates());
            Instant now = settings.clock().instant();
            Instant expires = now.plus(settings.offerLifetime());
            Offer offer = new Offer(settings.identity().id().value(), SignedBlocks.keyOf(settings.identity()),
                    settings.peer().value(), SignedBody.newSessionId(), settings.service(), Candidates.texts(candidates),
                    now.getEpochSecond(), expires.getEpochSecond());
            if (!directOnly) {
                events.offering(offer.session(), candidates);
            }
            ConnectSignaling.Reply reply = signaling.exchange(SignedBlocks.seal(settings.identity(), offer), expires, port,
                    block -> check(SignedBlocks.open(block, BlockKind.ANSWER, Answer.class), offer));
            try {
                Answer answer = check(SignedBlocks.open(reply.answer(), BlockKind.ANSWER, Answer.class), offer);
                if (answer.refused()) {
                    throw new PeerRefusedException(RefusalCode.parse(answer.refusal()), "peer " + settings.peer().abbreviated()
                            + "… refused the session: " + answer.reason());
                }
                TunnelType type = typeOf(answer);
                LocalEntrance local = entrance(type);
                return new Established(offer.session(), type, race(port, offer, answer, directOnly ? reply.hints().withoutRelay()
                        : reply.hints()), local);
            } finally {
                reply.release().run();
            }
        }
    }

    /**
     * While {@code session} runs relayed, looks for a direct path now and then (after
     * {@link #PROBE_FIRST}, doubling to {@link #PROBE_MAX}, {@link #PROBES} times at most): a new
     * offer and a path race without the relay. When one wins, the session moves to it: new
     * streams and datagrams go direct, and the relayed path ends once its open streams have
     * finished (or after {@link #PROBE_DRAIN}).
     */
    private void probeDirect(PeerSession session, ConnectSignaling signaling) {
        Duration pause = PROBE_FIRST;
        try {
            for (int probe = 1; probe <= PROBES; probe++) {
                if (session.awaitEnd(pause) || closed) {
                    return;
                }
                Established e;
                try {
                    e = establish(signaling, true);
                } catch (IOException failed) {
                    pause = pause.multipliedBy(2).compareTo(PROBE_MAX) > 0 ? PROBE_MAX : pause.multipliedBy(2);
                    events.directProbeFailed(session, probe, PROBES, probe < PROBES ? pause : null, failed.getMessage());
                    continue;
                }
                if (session.awaitEnd(Duration.ZERO) || closed) {
                    e.path().session().close();
                    return;
                }
                String from = session.path();
                PeerPath left = session.moveTo(e.path());
                meters.pathChanged(session, left, e.path());
                events.pathChanged(session, from);
                admin.pathChanged(session, from);
                left.session().mux().shutdown(PROBE_DRAIN);
                session.forgetPrevious(left);
                return;
            }
        } catch (InterruptedException e) {
            // closing: the sessions close with the peer
        }
    }

    /**
     * The local address applications use, once the first session bound it; else null.
     *
     * @return the bound address, or null before the first session
     */
    public InetSocketAddress localAddress() {
        lock.lock();
        try {
            return entrance == null ? null : entrance.address();
        } finally {
            lock.unlock();
        }
    }

    private Answer check(Answer answer, Offer offer) throws SignalException {
        if (!answer.sender().equals(settings.peer())) {
            throw new SignalException(Problem.MISADDRESSED, "the answer is from peer " + answer.sender().abbreviated()
                    + "…, not from the peer given (" + settings.peer().abbreviated() + "…)");
        }
        if (!answer.recipient().equals(settings.identity().id())) {
            throw new SignalException(Problem.MISADDRESSED, "the answer is for peer " + answer.recipient().abbreviated()
                    + "…, not for this one (" + settings.identity().id().abbreviated() + "…)");
        }
        if (!answer.session().equals(offer.session())) {
            throw new SignalException(Problem.REPLAYED, "the answer is for session " + answer.session()
                    + ", not this offer's (" + offer.session() + "): an old answer, or one meant for another connect");
        }
        long now = settings.clock().instant().getEpochSecond();
        if (now >= answer.expires()) {
            throw new SignalException(Problem.EXPIRED, "the answer expired " + (now - answer.expires()) + " s ago");
        }
        if (!answer.service().equals(offer.service())) {
            throw new SignalException(Problem.MISADDRESSED, "the answer is for service '" + answer.service() + "', not '"
                    + offer.service() + "'");
        }
        return answer;
    }

    private static TunnelType typeOf(Answer answer) throws SignalException {
        if (TunnelType.TCP.wireName().equals(answer.serviceType())) {
            return TunnelType.TCP;
        }
        if (TunnelType.UDP.wireName().equals(answer.serviceType())) {
            return TunnelType.UDP;
        }
        throw new SignalException(Problem.DAMAGED, "the answer names no service type (tcp or udp)");
    }

    /** The local port for {@code service}: bound at the first session, the same type ever after. */
    private LocalEntrance entrance(TunnelType type) throws IOException {
        LocalEntrance local;
        boolean opened;
        lock.lock();
        try {
            opened = entrance == null;
            local = entranceLocked(type);
        } finally {
            lock.unlock();
        }
        if (opened) {
            events.listening(settings.service(), type, local.address()); // the application's code: outside the lock
        }
        return local;
    }

    /** The same, called holding {@code lock}. */
    private LocalEntrance entranceLocked(TunnelType type) throws IOException {
        if (closed) {
            throw new IOException("closed");
        }
        if (entrance == null) {
            try {
                entrance = type == TunnelType.TCP ? TcpEntrance.open(settings.listen(), settings.service(),
                        new TcpEntrance.Hold(settings.path().punchTimeout(), TcpEntrance.Hold.DEFAULT_LIMIT), events::connectionRefused)
                        : UdpEntrance.open(settings.listen());
            } catch (BindException e) {
                throw new BindException("cannot listen on " + type.wireName() + " " + Candidates.text(settings.listen()) + ": "
                        + e.getMessage());
            }
        } else if ((entrance instanceof TcpEntrance) != (type == TunnelType.TCP)) {
            throw new IOException("service '" + settings.service() + "' is now " + type.wireName()
                    + ", but the local port was opened for the other type");
        }
        return entrance;
    }

    /**
     * Accepts and dials from the punch port, and asks the relay after a while, until one
     * connection is set up and nominated.
     */
    private PeerPath race(PunchPort port, Offer offer, Answer answer, PathHints hints) throws IOException, InterruptedException {
        PathRace race = new PathRace(Instant.now().plus(settings.path().punchTimeout()));
        SessionDialer dialer = new SessionDialer(settings.identity(), PeerVerifier.pinned(settings.peer()), null, settings.session());
        ReentrantLock nominating = new ReentrantLock();
        String name = "session " + offer.session().substring(0, 8);
        if (!settings.path().relayOnly()) {
            Consumer<Socket> direct = socket -> setUp(dialer, socket, offer, race, nominating, PeerPath::direct,
                    Candidates.text((InetSocketAddress) socket.getRemoteSocketAddress()));
            port.startAccepting(direct, threads, name + " punch");
            CandidateDialer.start(port, hints.withObserved(answer.candidateAddresses()), race, direct, threads, name);
        }
        RelayDialer relay = hints.relay();
        if (relay != null) {
            RelayFallback.start(relay, offer.session(), RelayRole.CONNECT, race, settings.path().relayOnly(), settings.path().relayAfter(),
                    socket -> setUp(dialer, socket, offer, race, nominating, s -> PeerPath.relayed(s, relay.via()),
                            "relay via " + relay.via()), threads, name);
        }
        return race.await(settings.peer().abbreviated() + "…");
    }

    /** Sets up a session on one connection and nominates it; a failure is noted in the race under {@code where}. */
    private void setUp(SessionDialer dialer, Socket socket, Offer offer, PathRace race, ReentrantLock nominating,
                       Function<Session, PeerPath> pathOf, String where) {
        try {
            nominate(dialer.over(socket), offer, race, nominating, pathOf);
        } catch (IOException e) {
            race.attemptFailed(where, e.getMessage());
        }
    }

    /**
     * Sends the request on a set-up connection and lets the share's reply decide. One nomination
     * at a time, so the share never sees two connections of this session named.
     */
    private void nominate(Session session, Offer offer, PathRace race, ReentrantLock nominating,
                          Function<Session, PeerPath> pathOf) throws IOException {
        nominating.lock();
        try {
            if (race.decided()) {
                session.close();
                return;
            }
            session.mux().sendControl(ControlCodec.encode(new SessionRequest(offer.session(), offer.service())));
            ControlMessage m = ControlCodec.decode(session.mux().receiveControl(REPLY_TIMEOUT));
            switch (m) {
                case SessionAccepted accepted when offer.session().equals(accepted.session()) -> {
                    if (!race.win(pathOf.apply(session))) {
                        session.close();
                    }
                }
                case SessionRefused refused -> {
                    session.close();
                    RefusalCode code = RefusalCode.parse(refused.code());
                    if (code != RefusalCode.ALREADY_CONNECTED) {
                        race.fail(new PeerRefusedException(code, "peer " + settings.peer().abbreviated()
                                + "… refused the session: " + refused.reason()));
                    }
                }
                default -> throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "expected an answer to "
                        + MessageType.P2P_REQUEST.tag() + ", got " + m.type());
            }
        } catch (IOException e) {
            session.close();
            throw e;
        } finally {
            nominating.unlock();
        }
    }

    private void watch(PeerSession session, LocalEntrance local) {
        try {
            while (!session.awaitEnd(Duration.ofHours(1))) {
                // keep waiting: sessions may run for days
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        local.detach(session);
        lock.lock();
        try {
            running.remove(session);
        } finally {
            lock.unlock();
        }
        meters.ended(session);
        events.sessionEnded(session, session.endReason());
        admin.ended(session, session.endReason());
    }

    /** Closes the local port and every running session, then joins every thread of the connect side. */
    @Override
    public void close() {
        LocalEntrance e;
        List<PeerSession> sessions;
        lock.lock();
        try {
            closed = true;
            e = entrance;
            sessions = List.copyOf(running);
        } finally {
            lock.unlock();
        }
        if (e != null) {
            e.close();
        }
        sessions.forEach(PeerSession::close);
        threads.close();
        if (meteringEnded.compareAndSet(false, true)) { // close runs again on a stop signal, perhaps at once
            if (observability != null) {
                observability.close();
            }
            meters.close();
        }
    }
}
