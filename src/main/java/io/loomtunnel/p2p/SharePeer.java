package io.loomtunnel.p2p;

import io.loomtunnel.p2p.ShareSlots.Slot;
import io.loomtunnel.internal.admin.Observability;
import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.observe.Meters;
import io.loomtunnel.observe.Status;
import io.loomtunnel.internal.path.CandidateDialer;
import io.loomtunnel.internal.path.Candidates;
import io.loomtunnel.internal.path.PathHints;
import io.loomtunnel.internal.path.PathRace;
import io.loomtunnel.internal.path.PeerPath;
import io.loomtunnel.internal.path.PunchPort;
import io.loomtunnel.internal.path.RelayDialer;
import io.loomtunnel.internal.path.RelayFallback;
import io.loomtunnel.internal.rendezvous.RendezvousDialer;
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
import io.loomtunnel.internal.protocol.RelayRole;
import io.loomtunnel.tls.PeerId;
import io.loomtunnel.tls.PeerRejectedException;
import io.loomtunnel.tls.PeerVerifier;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

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
 * and one per session that waits for its path and then serves it (with a thread per stream);
 * its meters' sampler when watched ({@code "loomtunnel share metrics: sampler"}) and, as its settings ask,
 * the admin endpoint's ({@code internal.admin}). {@link #close} ends and joins them all.
 * {@link #serve} runs on the caller's thread.
 *
 * <p>Locking: none of its own. The sessions and their limit are {@code ShareSlots}' (whose lock
 * is a leaf: nothing else is taken under it; the admin endpoint's status takes it for a copy of
 * the running sessions); {@code viaServer} is volatile.
 */
public final class SharePeer implements Closeable {
    /** Offers remembered against replay; an offer lives at most an hour. */
    static final int REPLAY_CAPACITY = 100_000;
    /** How far an offer's creation time may be ahead of our clock. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private final ShareSettings settings;
    private final ShareEvents events;
    private final PunchPort port;
    private final List<InetSocketAddress> candidates;
    private final ReplayGuard replays = new ReplayGuard(REPLAY_CAPACITY);
    private final ShareSlots slots;
    private final ShareDoor door;
    private final OwnedThreads threads;
    private final PeerMetering meters;
    private final PeerAdmin admin;
    private Observability observability; // set once in start, before the share is handed out
    private volatile ServerShareSignaling viaServer; // while serve(Rendezvous) runs: close() ends it

    private SharePeer(ShareSettings settings, ShareEvents events, PunchPort port, List<InetSocketAddress> candidates) {
        this.settings = settings;
        this.events = events;
        this.port = port;
        this.candidates = List.copyOf(candidates);
        this.slots = new ShareSlots(settings.maxSessions());
        this.door = new ShareDoor(settings, events, slots);
        this.threads = new OwnedThreads("share " + settings.identity().id().abbreviated());
        this.meters = new PeerMetering("share", settings.identity().id().abbreviated(), settings.observe());
        this.admin = new PeerAdmin("share", settings.identity().id(), meters, this::sessions,
                s -> "peer " + s.peer().abbreviated() + "…", this::targetOf, PeerAdmin.allowed(settings.allowed()));
    }

    /**
     * Binds the punch port and starts listening on it; offers come through {@link #serve(Rendezvous)}.
     *
     * @param settings services, allowed peers, limits, paths
     * @param events what the share reports as it runs
     * @return the running share; close it to stop
     * @throws IOException the punch port or the admin endpoint could not be bound
     */
    public static SharePeer start(ShareSettings settings, ShareEvents events) throws IOException {
        PunchPort port = PunchPort.bind(settings.path().bind());
        SharePeer share = null;
        try {
            boolean relayOnly = settings.path().relayOnly();
            if (relayOnly) {
                port.close(); // bound, so a server session can come from it, but nobody is to connect here
            }
            share = new SharePeer(settings, events, port,
                    relayOnly ? List.of() : Candidates.gather(port.localAddress(), settings.path().extraCandidates()));
            share.observability = Observability.start(settings.observe(), share.admin);
            if (!relayOnly) {
                port.startAccepting(share::accepted, share.threads, "punch");
            }
            return share;
        } catch (IOException | RuntimeException e) {
            port.close();
            if (share != null) {
                share.close();
            }
            throw e;
        }
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
     * This share's meters (docs/METRICS.md, role {@code share}), to read. They exist only when the
     * settings' {@code observe()} asks for watching (an admin endpoint, a JSON file, OTLP, or an
     * application registry): metering the JVM costs about a second of start-up.
     *
     * @return a read-only view of the meters, or null when nothing watches
     */
    public Meters metrics() {
        return meters.view();
    }

    /** The address of the service a session reaches, as the status shows it. */
    private String targetOf(PeerSession s) {
        SharedService service = settings.services().get(s.service());
        return service == null ? null : service.targetText();
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
        RendezvousDialer at = new RendezvousDialer(settings.identity(), server.address(), server.serverId(), server.token(),
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
            if (!slots.isClosed()) {
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
        admin.pinnedServer(signaling.serverId());
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
            slot = slots.admit(offer, offeredService(offer), new PathRace(expires.plus(settings.path().punchTimeout())));
        } catch (PeerRefusedException refused) {
            events.sessionRefused(peer, offer.session(), refused.code(), refused.getMessage());
            return seal(offer, null, List.of(), now, expires, refused);
        }
        events.answered(peer, offer.session(), slot.service.name());
        String name = "session " + offer.session().substring(0, 8);
        PeerVerifier pinned = PeerVerifier.pinned(peer);
        if (!settings.path().relayOnly()) {
            Consumer<Socket> direct = s -> door.connected(s, pinned, PeerPath::direct);
            CandidateDialer.start(port, hints.withObserved(offer.candidateAddresses()), slot.race, direct, threads, name);
        }
        RelayDialer relay = hints.relay();
        if (relay != null) {
            RelayFallback.start(relay, offer.session(), RelayRole.SHARE, slot.race, settings.path().relayOnly(), settings.path().relayAfter(),
                    s -> door.connected(s, pinned, session -> PeerPath.relayed(session, relay.via())), threads, name);
        }
        if (!threads.startIfOpen(name, () -> run(slot))) {
            slot.race.fail(new IOException("the share is closing"));
            slots.release(slot);
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

    /** The service an offer asks for, if it is offered to its sender. */
    private SharedService offeredService(Offer offer) throws PeerRefusedException {
        SharedService service = settings.services().get(offer.service());
        if (service == null || !settings.allowed().allows(offer.sender(), service.name())) {
            throw new PeerRefusedException(RefusalCode.SERVICE_NOT_OFFERED, "service '" + offer.service()
                    + "' is not offered to peer " + offer.sender().abbreviated() + "…");
        }
        return service;
    }

    /** A pending session's life: wait for its path, serve it, and free its slot whatever happens. */
    private void run(Slot slot) {
        try {
            PeerPath path = slot.race.await(slot.peer.abbreviated() + "…");
            PeerSession session = new PeerSession(slot.offer.session(), slot.peer, slot.service.name(), slot.service.type(), path,
                    meters.counters(slot.service.name(), slot.service.type()));
            meters.started(session);
            slot.running = session;
            events.sessionStarted(session);
            admin.started(session);
            if (slots.isClosed()) {
                session.close();
            }
            String why;
            try {
                why = ServiceRunner.serve(session, slot.service, events, threads);
            } finally {
                meters.ended(session);
            }
            String reason = session.endReason() != null ? session.endReason() : why;
            events.sessionEnded(session, reason);
            admin.ended(session, reason);
        } catch (IOException e) {
            events.pendingExpired(slot.peer, slot.offer.session(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            slots.release(slot);
        }
    }

    /** A connection on the punch port from a peer with a pending session (it names which). */
    private void accepted(Socket socket) {
        door.connected(socket, peer -> {
            if (!slots.hasPending(peer)) {
                throw new PeerRejectedException("peer " + peer + " has no pending session here");
            }
        }, PeerPath::direct);
    }

    /**
     * Sessions now, pending and running.
     *
     * @return how many
     */
    public int sessionCount() {
        return slots.count();
    }

    /**
     * The running sessions.
     *
     * @return a copy
     */
    public List<PeerSession> sessions() {
        return slots.running();
    }

    /**
     * Waits until no session is pending or running; true if so within {@code timeout}.
     *
     * @param timeout how long to wait
     * @return true if none is left
     * @throws InterruptedException interrupted while waiting
     */
    public boolean awaitNoSessions(Duration timeout) throws InterruptedException {
        return slots.awaitEmpty(timeout);
    }

    /**
     * Stops listening, gives up pending sessions and closes running ones, then joins every thread
     * of the share (each waits at most {@link OwnedThreads#DEFAULT_GRACE} in all).
     */
    @Override
    public void close() {
        List<Slot> all = slots.close();
        if (all == null) {
            return;
        }
        if (observability != null) {
            observability.close();
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
        meters.close();
    }
}
