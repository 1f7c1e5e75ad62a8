package io.loomtunnel.p2p;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.path.CandidateDialer;
import io.loomtunnel.internal.path.Candidates;
import io.loomtunnel.internal.path.PathHints;
import io.loomtunnel.internal.path.PathRace;
import io.loomtunnel.internal.path.PeerPath;
import io.loomtunnel.internal.path.PunchPort;
import io.loomtunnel.internal.path.RelayDialer;
import io.loomtunnel.internal.path.RelayFallback;
import io.loomtunnel.internal.rendezvous.RendezvousServer;
import io.loomtunnel.internal.rendezvous.ServerShareSignaling;
import io.loomtunnel.internal.signal.Answer;
import io.loomtunnel.internal.signal.BlockKind;
import io.loomtunnel.internal.signal.Offer;
import io.loomtunnel.internal.signal.ReplayGuard;
import io.loomtunnel.internal.signal.ShareSignaling;
import io.loomtunnel.internal.signal.SignalException.Problem;
import io.loomtunnel.internal.signal.SignalException;
import io.loomtunnel.internal.signal.SignedBlock;
import io.loomtunnel.internal.signal.SignedBlocks;
import io.loomtunnel.session.Authenticator;
import io.loomtunnel.internal.protocol.ControlCodec;
import io.loomtunnel.internal.protocol.ControlMessage;
import io.loomtunnel.internal.protocol.MessageType;
import io.loomtunnel.internal.protocol.RelayRole;
import io.loomtunnel.internal.protocol.SessionAccepted;
import io.loomtunnel.internal.protocol.SessionRefused;
import io.loomtunnel.internal.protocol.SessionRequest;
import io.loomtunnel.session.Session;
import io.loomtunnel.session.SessionAcceptor;
import io.loomtunnel.tls.PeerId;
import io.loomtunnel.tls.PeerRejectedException;
import io.loomtunnel.tls.PeerVerifier;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The sharing side of peer-to-peer tunnels: answers offers from allowed peers, finds a direct path
 * for each answered session and serves the named local service through it. Sessions come and go
 * independently, from many peers and many per peer, up to {@code maxSessions} at once.
 *
 * <p>One punch port serves every session: it listens for the connecting sides' connections (each
 * names its session in its first message) and dials each pending session's candidates from that
 * same port. With server signaling, a relay joins each session's race after a while. The share is
 * always the TLS server and the MUX acceptor, whichever side's SYN made the connection, relayed or not.
 *
 * <p>Threads: the share's own ({@code "loomtunnel share PEER: ..."}): the punch port's accepting
 * thread and one per connection in set-up, per pending session its dialers and relay contender,
 * and one per session that waits for its path and then serves it (with a thread per stream).
 * {@link #close} ends and joins them all. {@link #serve} runs on the caller's thread.
 *
 * <p>Locking: {@code lock} guards {@code slots} (pending and running sessions by id) and
 * {@code closed}'s change; the count check and the insert of a new session are one step under
 * it, and {@code noSessions} is signalled when the last one goes. Nothing blocks under it and no
 * other lock is taken under it. {@code closed} and a slot's {@code running} are volatile, read
 * without the lock.
 */
public final class SharePeer implements Closeable {
    /** Offers remembered against replay; an offer lives at most an hour. */
    static final int REPLAY_CAPACITY = 100_000;
    /** How far an offer's creation time may be ahead of our clock. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    /** How long a new connection has to name its session. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** How long a refused connection is kept open for the refusal to reach the peer. */
    static final Duration REFUSAL_LINGER = Duration.ofSeconds(5);

    private final ShareSettings settings;
    private final ShareEvents events;
    private final PunchPort port;
    private final List<InetSocketAddress> candidates;
    private final ReplayGuard replays = new ReplayGuard(REPLAY_CAPACITY);
    private final Map<String, Slot> slots = new HashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition noSessions = lock.newCondition();
    private final OwnedThreads threads;
    private volatile boolean closed;
    private volatile ServerShareSignaling viaServer; // while serve(Rendezvous) runs: close() ends it

    /** One session, from its answer until it ends. */
    private static final class Slot {
        final Offer offer;
        final PeerId peer;
        final SharedService service;
        final PathRace race;
        volatile PeerSession running;

        Slot(Offer offer, SharedService service, PathRace race) {
            this.offer = offer;
            this.peer = offer.sender();
            this.service = service;
            this.race = race;
        }
    }

    private SharePeer(ShareSettings settings, ShareEvents events, PunchPort port, List<InetSocketAddress> candidates) {
        this.settings = settings;
        this.events = events;
        this.port = port;
        this.candidates = List.copyOf(candidates);
        this.threads = new OwnedThreads("share " + settings.identity().id().abbreviated());
    }

    /**
     * Binds the punch port and starts listening on it; offers come through {@link #serve(Rendezvous)}.
     *
     * @param settings services, allowed peers, limits, paths
     * @param events what the share reports as it runs
     * @return the running share; close it to stop
     * @throws IOException the punch port could not be bound
     */
    public static SharePeer start(ShareSettings settings, ShareEvents events) throws IOException {
        PunchPort port = PunchPort.bind(settings.path().bind());
        try {
            if (settings.path().relayOnly()) {
                port.close(); // bound, so a server session can come from it, but nobody is to connect here
                return new SharePeer(settings, events, port, List.of());
            }
            SharePeer share = new SharePeer(settings, events, port,
                    Candidates.gather(port.localAddress(), settings.path().extraCandidates()));
            port.startAccepting(share::accepted, share.threads, "punch");
            return share;
        } catch (IOException | RuntimeException e) {
            port.close();
            throw e;
        }
    }

    /**
     * The id connecting peers address this share by.
     *
     * @return the id
     */
    public PeerId id() {
        return settings.identity().id();
    }

    /**
     * Where the punch port is bound.
     *
     * @return the address
     */
    public InetSocketAddress punchAddress() {
        return port.localAddress();
    }

    /**
     * What every answer offers the connecting side.
     *
     * @return the candidate addresses
     */
    public List<InetSocketAddress> candidates() {
        return candidates;
    }

    /**
     * Registers at {@code server} and answers the offers it forwards, registering again after a lost
     * session, until this share is closed. Blocks: run it on a thread of yours.
     *
     * @param server where connecting peers find this share
     * @throws IOException the first session to the server could not be set up, or the server refused it
     */
    public void serve(Rendezvous server) throws IOException {
        RendezvousServer at = new RendezvousServer(settings.identity(), server.address(), server.serverId(), server.token(),
                settings.session());
        try (ServerShareSignaling signaling = new ServerShareSignaling(at, punchAddress(), settings.allowed().peers().keySet(),
                new ServerShareSignaling.Events() {
                    @Override
                    public void registered(String via, InetSocketAddress observed) {
                        events.registered(via, observed);
                    }

                    @Override
                    public void lost(String reason, Duration retryIn) {
                        events.lost(reason, retryIn);
                    }
                })) {
            viaServer = signaling;
            if (!closed) {
                serve(signaling);
            }
        } finally {
            viaServer = null;
        }
    }

    /**
     * Answers the offers {@code signaling} delivers until it has no more (returns), or until closed.
     * Not API (its parameter is internal): the CLI's manual and server signaling come through here.
     *
     * @param signaling where offers come from and answers go
     * @throws IOException as {@code signaling} fails
     */
    public void serve(ShareSignaling signaling) throws IOException {
        signaling.serve(new ShareSignaling.OfferHandler() {
            @Override
            public SignedBlock answer(SignedBlock offer) throws SignalException {
                return SharePeer.this.answer(offer);
            }

            @Override
            public SignedBlock answer(SignedBlock offer, PathHints hints) throws SignalException {
                return SharePeer.this.answer(offer, hints);
            }

            @Override
            public void refused(SignalException problem) {
                events.offerRefused(problem);
            }
        });
    }

    /**
     * Verifies an offer and returns the signed answer: an acceptance (the session is then pending
     * and its path being looked for) or a refusal for the connecting side to print.
     *
     * @throws SignalException for an offer that gets no answer: forged, not for us, expired, replayed
     */
    SignedBlock answer(SignedBlock block) throws SignalException {
        return answer(block, PathHints.NONE);
    }

    /**
     * The same, with what signaling learned about paths: the connecting side's public address is
     * dialed too, and the relay, if any, joins the race after {@code PathSettings.relayAfter}.
     */
    SignedBlock answer(SignedBlock block, PathHints hints) throws SignalException {
        Offer offer = SignedBlocks.open(block, BlockKind.OFFER, Offer.class);
        PeerId peer = offer.sender();
        Instant now = settings.clock().instant();
        if (!offer.recipient().equals(id())) {
            throw new SignalException(Problem.MISADDRESSED, "offer from " + peer.abbreviated() + "… is for peer "
                    + offer.recipient().abbreviated() + "…, not this share (" + id().abbreviated() + "…)");
        }
        if (now.getEpochSecond() >= offer.expires()) {
            throw new SignalException(Problem.EXPIRED, "offer from " + peer.abbreviated() + "… expired "
                    + (now.getEpochSecond() - offer.expires()) + " s ago");
        }
        if (offer.created() > now.plus(CLOCK_SKEW).getEpochSecond()) {
            throw new SignalException(Problem.EXPIRED, "offer from " + peer.abbreviated() + "… was made "
                    + (offer.created() - now.getEpochSecond()) + " s in the future: the two clocks differ too much");
        }
        Instant expires = now.plus(settings.answerLifetime());
        Slot slot;
        try {
            if (!settings.allowed().allows(peer)) {
                // Before the replay guard: strangers' offers must not fill it (a repeated one gets the same refusal).
                throw new PeerRefusedException(RefusalCode.NOT_ALLOWED, "peer " + peer + " is not allowed to connect");
            }
            replays.firstUse(offer.session(), Instant.ofEpochSecond(offer.expires()), now);
            slot = admit(offer, new PathRace(expires.plus(settings.path().punchTimeout())));
        } catch (PeerRefusedException refused) {
            events.sessionRefused(peer, offer.session(), refused.code(), refused.getMessage());
            return seal(offer, null, List.of(), now, expires, refused);
        }
        events.answered(peer, offer.session(), slot.service.name());
        String name = "session " + offer.session().substring(0, 8);
        PeerVerifier pinned = PeerVerifier.pinned(peer);
        if (!settings.path().relayOnly()) {
            Consumer<Socket> direct = s -> connected(s, pinned, PeerPath::direct);
            CandidateDialer.start(port, hints.withObserved(offer.candidateAddresses()), slot.race, direct, threads, name);
        }
        RelayDialer relay = hints.relay();
        if (relay != null) {
            RelayFallback.start(relay, offer.session(), RelayRole.SHARE, slot.race, settings.path().relayOnly(), settings.path().relayAfter(),
                    s -> connected(s, pinned, session -> PeerPath.relayed(session, relay.via())), threads, name);
        }
        if (!threads.startIfOpen(name, () -> run(slot))) {
            slot.race.fail(new IOException("the share is closing"));
            release(slot);
        }
        return seal(offer, slot.service, Candidates.texts(candidates), now, expires, null);
    }

    private SignedBlock seal(Offer offer, SharedService service, List<String> candidates, Instant now, Instant expires,
                             PeerRefusedException refused) {
        Answer answer = new Answer(id().value(), SignedBlocks.keyOf(settings.identity()), offer.from(), offer.session(),
                offer.service(), service == null ? null : service.type().wireName(), candidates, now.getEpochSecond(),
                expires.getEpochSecond(), refused == null ? null : refused.code().wireName(),
                refused == null ? null : refused.getMessage());
        return SignedBlocks.seal(settings.identity(), answer);
    }

    /** Checks the service and the session limit and takes a slot for the session, in one step. */
    private Slot admit(Offer offer, PathRace race) throws PeerRefusedException {
        PeerId peer = offer.sender();
        SharedService service = settings.services().get(offer.service());
        if (service == null || !settings.allowed().allows(peer, service.name())) {
            throw new PeerRefusedException(RefusalCode.SERVICE_NOT_OFFERED, "service '" + offer.service()
                    + "' is not offered to peer " + peer.abbreviated() + "…");
        }
        lock.lock();
        try {
            if (closed) {
                throw new PeerRefusedException(RefusalCode.TOO_MANY_SESSIONS, "the share is shutting down");
            }
            if (slots.size() >= settings.maxSessions()) {
                throw new PeerRefusedException(RefusalCode.TOO_MANY_SESSIONS, "too many sessions: the share has "
                        + slots.size() + ", its limit (--max-sessions " + settings.maxSessions() + ")");
            }
            Slot slot = new Slot(offer, service, race);
            slots.put(offer.session(), slot);
            return slot;
        } finally {
            lock.unlock();
        }
    }

    /** A pending session's life: wait for its path, serve it, and free its slot whatever happens. */
    private void run(Slot slot) {
        try {
            PeerPath path = slot.race.await(slot.peer.abbreviated() + "…");
            PeerSession session = new PeerSession(slot.offer.session(), slot.peer, slot.service.name(), slot.service.type(), path);
            slot.running = session;
            events.sessionStarted(session);
            if (closed) {
                session.close();
            }
            String why = ServiceRunner.serve(session, slot.service, events, threads);
            events.sessionEnded(session, session.endReason() != null ? session.endReason() : why);
        } catch (IOException e) {
            events.pendingExpired(slot.peer, slot.offer.session(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            release(slot);
        }
    }

    private void release(Slot slot) {
        lock.lock();
        try {
            slots.remove(slot.offer.session(), slot);
            if (slots.isEmpty()) {
                noSessions.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** A connection on the punch port from a peer with a pending session (it names which). */
    private void accepted(Socket socket) {
        connected(socket, peer -> {
            lock.lock();
            try {
                for (Slot s : slots.values()) {
                    if (s.peer.equals(peer) && s.running == null) {
                        return;
                    }
                }
            } finally {
                lock.unlock();
            }
            throw new PeerRejectedException("peer " + peer + " has no pending session here");
        }, PeerPath::direct);
    }

    /**
     * Sets up a session on a connection, as TLS server whichever side dialed, and lets its first
     * message decide which pending session it is the path of.
     *
     * @param pathOf how the session travels, for the path report
     */
    private void connected(Socket socket, PeerVerifier verifier, Function<Session, PeerPath> pathOf) {
        Session session;
        try {
            session = new SessionAcceptor(settings.identity(), verifier, Authenticator.anyone(), settings.session()).accept(socket);
        } catch (IOException e) {
            return; // a stray, a loser of the race, or a peer we do not know: nothing to tell
        }
        try {
            ControlMessage m = ControlCodec.decode(session.mux().receiveControl(REQUEST_TIMEOUT));
            if (!(m instanceof SessionRequest request)) {
                session.mux().close(ErrorCode.PROTOCOL_ERROR, "expected " + MessageType.P2P_REQUEST.tag() + ", got " + m.type());
                return;
            }
            Slot slot;
            lock.lock();
            try {
                slot = request.session() == null ? null : slots.get(request.session());
            } finally {
                lock.unlock();
            }
            RefusalCode refusal = slot == null || !slot.peer.equals(session.peer()) ? RefusalCode.UNKNOWN_SESSION
                    : !slot.service.name().equals(request.service()) ? RefusalCode.SERVICE_NOT_OFFERED
                    : slot.race.win(pathOf.apply(session)) ? null : RefusalCode.ALREADY_CONNECTED;
            if (refusal == null) {
                session.mux().sendControl(ControlCodec.encode(
                        new SessionAccepted(request.session(), slot.service.name(), slot.service.type().wireName())));
            } else {
                refuse(session, request.session(), refusal);
            }
        } catch (IOException e) {
            session.close(); // it never named a session in time, or it is gone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            session.close();
        }
    }

    private void refuse(Session session, String sessionId, RefusalCode code) throws IOException, InterruptedException {
        String reason = switch (code) {
            case UNKNOWN_SESSION -> "no pending session " + sessionId + " for peer " + session.peer().abbreviated()
                    + "… (its answer expired, or it ended)";
            case SERVICE_NOT_OFFERED -> "the request names another service than the offer did";
            default -> "another connection of session " + sessionId + " was set up first";
        };
        events.sessionRefused(session.peer(), sessionId, code, reason);
        session.mux().sendControl(ControlCodec.encode(new SessionRefused(sessionId, code.wireName(), reason)));
        if (!session.mux().awaitClosed(REFUSAL_LINGER)) { // the peer closes once it has read why
            session.close();
        }
    }

    /**
     * Sessions now, pending and running.
     *
     * @return how many
     */
    public int sessionCount() {
        lock.lock();
        try {
            return slots.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The running sessions.
     *
     * @return a copy
     */
    public List<PeerSession> sessions() {
        List<PeerSession> out = new ArrayList<>();
        lock.lock();
        try {
            slots.values().forEach(s -> {
                if (s.running != null) {
                    out.add(s.running);
                }
            });
        } finally {
            lock.unlock();
        }
        return out;
    }

    /**
     * Waits until no session is pending or running; true if so within {@code timeout}.
     *
     * @param timeout how long to wait
     * @return true if none is left
     * @throws InterruptedException interrupted while waiting
     */
    public boolean awaitNoSessions(Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (!slots.isEmpty()) {
                if (left <= 0) {
                    return false;
                }
                left = noSessions.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops listening, gives up pending sessions and closes running ones, then joins every thread
     * of the share (each waits at most {@link OwnedThreads#DEFAULT_GRACE} in all).
     */
    @Override
    public void close() {
        List<Slot> all;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            all = new ArrayList<>(slots.values());
        } finally {
            lock.unlock();
        }
        port.close();
        ServerShareSignaling signaling = viaServer;
        if (signaling != null) {
            signaling.close();
        }
        for (Slot s : all) {
            s.race.fail(new IOException("the share is closing"));
            PeerSession running = s.running;
            if (running != null) {
                running.close();
            }
        }
        threads.close();
    }
}
