package io.loomtunnel.server;

import io.loomtunnel.internal.concurrent.Deadlines;
import io.loomtunnel.internal.protocol.AnswerMessage;
import io.loomtunnel.internal.rendezvous.BlockText;
import io.loomtunnel.internal.protocol.OfferMessage;
import io.loomtunnel.internal.protocol.RegisterShare;
import io.loomtunnel.internal.rendezvous.RendezvousCode;
import io.loomtunnel.internal.protocol.RendezvousError;
import io.loomtunnel.internal.rendezvous.RendezvousDialer;
import io.loomtunnel.internal.protocol.ShareRegistered;
import io.loomtunnel.internal.protocol.TicketIssued;
import io.loomtunnel.internal.protocol.TicketRequest;
import io.loomtunnel.internal.protocol.Unanswered;
import io.loomtunnel.internal.signal.Answer;
import io.loomtunnel.internal.signal.BlockKind;
import io.loomtunnel.internal.signal.Offer;
import io.loomtunnel.internal.signal.SignalException;
import io.loomtunnel.internal.signal.SignedBlocks;
import io.loomtunnel.internal.signal.SignedBody;
import io.loomtunnel.internal.protocol.ControlCodec;
import io.loomtunnel.internal.protocol.DirectoryMessage;
import io.loomtunnel.session.Session;
import io.loomtunnel.tls.PeerId;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The server's side of peer-to-peer signaling (docs/protocol/P2P.md 9.5): a directory of registered
 * shares, each found only by the peers it allows; offers forwarded to them, and their answers
 * back, each with the address the server sees the other peer's session come from; and, for each
 * forwarded offer, a ticket for the {@link RelayHub} (taken back if the share refuses). A share that is absent and one that does
 * not allow the asking peer get the same answer, so a stranger cannot learn that a share exists.
 * Blocks are verified here (signature, sender = the session's peer) before anything is believed.
 *
 * <p>What one client may hold here is bounded per session and per principal ({@link
 * GrantAuthenticator#account}: a token, an authorized key), so that one token's holder, however
 * many sessions it opens, cannot fill what every peer shares: waiting offers, and through them
 * the relay's tickets.
 *
 * <p>Threads: messages arrive on each session's control thread; an offer's 30 s answer time is
 * kept by the one thread of {@code answerDeadlines} (not a thread per offer), which {@link #close}
 * ends.
 *
 * <p>Locking: {@code this} guards {@code shares}, {@code pending}, its counts and {@code speakers}; nothing
 * blocks under it (messages are sent after it is released). Lock order: {@code this}, then
 * {@code answerDeadlines}' lock (taken inside to keep it in step with {@code pending}); the
 * deadlines' thread calls back with no lock held. The {@link RelayHub}'s lock is never taken
 * under {@code this}.
 */
final class PeerDirectory {
    /** How long a share has to answer a forwarded offer. */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);
    /** Offers one session may have waiting for answers. */
    static final int MAX_PENDING_PER_SESSION = 16;
    /** Offers waiting on the whole server. */
    static final int MAX_PENDING = 10_000;
    private static final Pattern PROBLEM = Pattern.compile("[A-Z_]{1,32}");
    private static final int MAX_REASON = 300;

    /**
     * {@code confirmed}: {@code p2p_registered} has been sent to the share. Only confirmed shares
     * are found, so no offer overtakes that reply (the share takes anything else first as an error).
     */
    private record Registration(Session session, Set<PeerId> allowed, boolean confirmed) {}

    private record Pending(String id, Session connect, Session share, PeerId connectId, PeerId shareId, String account) {}

    private final RelayHub relays;
    private final ServerEvents events;
    private final Map<PeerId, Registration> shares = new HashMap<>();
    private final Map<String, Pending> pending = new HashMap<>();
    private final Map<Session, Integer> pendingBySession = new HashMap<>();
    private final Map<String, Integer> pendingByAccount = new HashMap<>();
    private final int maxPendingPerAccount;
    private final Set<Session> speakers = new HashSet<>();
    private final Deadlines<Pending> answerDeadlines;

    /**
     * @param owner names the directory's thread, e.g. {@code "server 3fa9c1d2aa11"}
     * @param maxPendingPerAccount offers of one principal that may wait for answers at once
     */
    PeerDirectory(RelayHub relays, ServerEvents events, String owner, int maxPendingPerAccount) {
        this.relays = relays;
        this.events = events;
        this.maxPendingPerAccount = maxPendingPerAccount;
        this.answerDeadlines = new Deadlines<>(owner + " offers", ANSWER_TIMEOUT, MAX_PENDING, this::expire);
    }

    /** Whether a message of a type the server does not take is ours to refuse: the {@code p2p_} namespace is. */
    static boolean handles(String type) {
        return type.startsWith("p2p_");
    }

    RelayStats relayStats() {
        return relays.stats();
    }

    /** One peer-to-peer control message from {@code from}, on its session's control thread. */
    void handle(Session from, DirectoryMessage m) throws IOException {
        speaking(from);
        switch (m) {
            case RegisterShare r -> register(from, r);
            case OfferMessage o -> offer(from, o);
            case AnswerMessage a -> answer(from, a);
            case Unanswered u -> unanswered(from, u);
            case TicketRequest t -> ticket(from, t);
            // The server's own messages, sent to it:
            case ShareRegistered r -> refuse(from, r.type());
            case TicketIssued t -> refuse(from, t.type());
            case RendezvousError e -> refuse(from, e.type());
        }
    }

    /** A {@code p2p_*} message that is not a request to the directory: answered bad_request. */
    void refuse(Session from, String type) {
        speaking(from);
        error(from, null, RendezvousCode.BAD_REQUEST, "unknown control message type '" + type + "'");
    }

    private void speaking(Session from) {
        boolean first;
        synchronized (this) {
            first = speakers.add(from);
        }
        if (first) {
            relays.serve(from); // a peer that signals may ask for the relay later
        }
    }

    /** The session ended: its registration goes, and offers waiting on it are answered with an error. */
    void closed(Session s) {
        List<Pending> orphans;
        synchronized (this) {
            speakers.remove(s);
            shares.values().removeIf(r -> r.session() == s);
            orphans = pending.values().stream().filter(p -> p.share() == s || p.connect() == s).toList();
            orphans.forEach(this::forget);
        }
        for (Pending p : orphans) {
            if (p.connect() != s) {
                error(p.connect(), p.id(), RendezvousCode.NO_ANSWER, "the share left the server before answering");
            }
        }
    }

    private void register(Session from, RegisterShare request) throws IOException {
        if (request.allow() == null || request.allow().size() > RegisterShare.MAX_ALLOWED) {
            error(from, null, RendezvousCode.BAD_REQUEST, "a registration lists 0 to " + RegisterShare.MAX_ALLOWED + " allowed peers");
            return;
        }
        Set<PeerId> allowed = new HashSet<>();
        try {
            request.allow().forEach(id -> allowed.add(PeerId.parse(id)));
        } catch (IllegalArgumentException | NullPointerException e) {
            error(from, null, RendezvousCode.BAD_REQUEST, "the allow list holds something that is not a peer id");
            return;
        }
        Registration other;
        synchronized (this) {
            other = shares.get(from.peer());
            if (other == null || other.session() == from || other.session().mux().isClosed()) {
                boolean confirmed = other != null && other.session() == from && other.confirmed(); // a new list, same session
                shares.put(from.peer(), new Registration(from, Set.copyOf(allowed), confirmed));
                other = null;
            }
        }
        if (other != null) {
            error(from, null, RendezvousCode.ALREADY_REGISTERED, "a share with id " + from.peer().abbreviated()
                    + "… is registered on this server already (from " + observed(other.session()) + ")");
            return;
        }
        events.shareRegistered(from.peer(), allowed.size(), observed(from));
        from.mux().sendControl(ControlCodec.encode(new ShareRegistered(observed(from))));
        synchronized (this) {
            shares.computeIfPresent(from.peer(), (id, r) -> r.session() == from ? new Registration(from, r.allowed(), true) : r);
        }
    }

    /** The verified offer in {@code block}, signed by {@code from}'s own peer; null when refused (bad_request sent). */
    private static Offer sendersOffer(Session from, String block) {
        Offer offer;
        try {
            offer = open(block, BlockKind.OFFER, Offer.class);
        } catch (SignalException e) {
            error(from, null, RendezvousCode.BAD_REQUEST, "the offer cannot be used: " + e.getMessage());
            return null;
        }
        if (!offer.sender().equals(from.peer())) {
            error(from, offer.session(), RendezvousCode.BAD_REQUEST, "the offer is signed by peer " + offer.sender().abbreviated()
                    + "…, not by this session's peer " + from.peer().abbreviated() + "…");
            return null;
        }
        return offer;
    }

    /** Whether {@code share} is a registration that {@code peer} may find. Called holding the lock. */
    private static boolean findable(Registration share, PeerId peer) {
        return share != null && share.confirmed() && share.allowed().contains(peer) && !share.session().mux().isClosed();
    }

    /** One answer for "absent" and "present but not for you": the directory must not tell them apart. */
    private static String unknown(Offer offer, Session from) {
        return "no share with id " + offer.to() + " that allows peer " + from.peer() + " is registered on this server";
    }

    private void offer(Session from, OfferMessage message) throws IOException {
        Offer offer = sendersOffer(from, message.block());
        if (offer == null) {
            return;
        }
        Registration share;
        String account = GrantAuthenticator.account(from);
        String refusal = null;
        RendezvousCode code = RendezvousCode.UNKNOWN_PEER;
        synchronized (this) {
            share = shares.get(offer.recipient());
            if (!findable(share, from.peer())) {
                refusal = unknown(offer, from);
            } else if (pending.containsKey(offer.session())) {
                code = RendezvousCode.BAD_REQUEST;
                refusal = "an offer of session " + offer.session() + " is already waiting for its answer";
            } else if (pendingBySession.getOrDefault(from, 0) >= MAX_PENDING_PER_SESSION) {
                code = RendezvousCode.BUSY;
                refusal = "this session has " + MAX_PENDING_PER_SESSION + " offers waiting for answers, the limit; try again shortly";
            } else if (pendingByAccount.getOrDefault(account, 0) >= maxPendingPerAccount) {
                code = RendezvousCode.BUSY;
                refusal = "the clients of this token or key have " + maxPendingPerAccount
                        + " offers waiting for answers, the limit; try again shortly";
            } else if (pending.size() >= MAX_PENDING) {
                code = RendezvousCode.BUSY;
                refusal = "too many offers are waiting for answers; try again shortly";
            } else {
                Pending waiting = new Pending(offer.session(), from, share.session(), from.peer(), offer.recipient(), account);
                pending.put(offer.session(), waiting);
                pendingBySession.merge(from, 1, Integer::sum);
                pendingByAccount.merge(account, 1, Integer::sum);
                answerDeadlines.add(waiting); // room for it: it holds no more offers than pending
            }
        }
        if (refusal != null) {
            error(from, offer.session(), code, refusal);
            return;
        }
        // The ticket comes before the share hears of the offer: a share answering with a relay at
        // once may have its relay stream read here before its answer is.
        relays.expect(offer.session(), from.peer(), offer.recipient(), account);
        try {
            share.session().mux().sendControl(ControlCodec.encode(
                    new OfferMessage(offer.session(), message.block(), observed(from))));
        } catch (IOException e) {
            if (take(offer.session(), share.session()) != null) {
                error(from, offer.session(), RendezvousCode.NO_ANSWER, "the share left the server before answering");
            }
        }
    }

    /**
     * A relay ticket for an offer that travels another way (Nostr): the same checks as for a
     * forwarded offer (verified block, signed by this session's peer, a registered share that
     * allows it), the same unknown_peer for an absent share and one that does not allow the
     * sender, and nothing forwarded. The ticket grants nothing by itself: the share must ask for
     * the relay too, which it does only for offers it accepted.
     */
    private void ticket(Session from, TicketRequest message) throws IOException {
        Offer offer = sendersOffer(from, message.block());
        if (offer == null) {
            return;
        }
        boolean known;
        synchronized (this) {
            known = findable(shares.get(offer.recipient()), from.peer());
        }
        if (!known) {
            error(from, offer.session(), RendezvousCode.UNKNOWN_PEER, unknown(offer, from));
            return;
        }
        if (!relays.expectNew(offer.session(), from.peer(), offer.recipient(), GrantAuthenticator.account(from))) {
            error(from, offer.session(), RendezvousCode.BAD_REQUEST, "session " + offer.session() + " already has a relay ticket");
            return;
        }
        from.mux().sendControl(ControlCodec.encode(new TicketIssued(offer.session())));
    }

    private void answer(Session from, AnswerMessage message) throws IOException {
        Answer answer;
        try {
            answer = open(message.block(), BlockKind.ANSWER, Answer.class);
        } catch (SignalException e) {
            error(from, null, RendezvousCode.BAD_REQUEST, "the answer cannot be used: " + e.getMessage());
            return;
        }
        Pending p = answer.sender().equals(from.peer()) ? take(answer.session(), from) : null;
        if (p == null || !p.connectId().equals(answer.recipient())) {
            error(from, answer.session(), RendezvousCode.BAD_REQUEST, "no offer of session " + answer.session()
                    + " from peer " + answer.recipient().abbreviated() + "… is waiting for this share's answer (it waited "
                    + ANSWER_TIMEOUT.toSeconds() + " s at most)");
            return;
        }
        if (answer.refused()) {
            relays.forget(answer.session());
        }
        send(p.connect(), ControlCodec.encode(new AnswerMessage(message.block(), observed(from))));
    }

    private void unanswered(Session from, Unanswered message) {
        Pending p = message.session() == null ? null : take(message.session(), from);
        if (p == null) {
            return; // too late, or not ours: nobody is waiting
        }
        relays.forget(p.id());
        String problem = message.problem() != null && PROBLEM.matcher(message.problem()).matches() ? message.problem() : "DAMAGED";
        String reason = message.reason() == null ? "no reason given" : message.reason();
        send(p.connect(), ControlCodec.encode(new RendezvousError(p.id(),
                RendezvousCode.UNANSWERED.wireName(), problem, reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason)));
    }

    /**
     * The verified body of a block in a message: base64url, signature and form checked, so the
     * sender it names is the key that signed it (whether that is the session's peer is the
     * caller's check).
     */
    static <T extends SignedBody> T open(String block, BlockKind kind, Class<T> type) throws SignalException {
        return SignedBlocks.open(BlockText.decode(kind, block), kind, type);
    }

    /** Removes and returns the waiting offer of {@code session} that {@code share} is to answer, if any. */
    private synchronized Pending take(String session, Session share) {
        Pending p = pending.get(session);
        if (p == null || p.share() != share) {
            return null;
        }
        forget(p);
        return p;
    }

    /** The offer no longer waits. Called holding the lock. */
    private void forget(Pending p) {
        pending.remove(p.id());
        answerDeadlines.remove(p);
        pendingBySession.computeIfPresent(p.connect(), (s, n) -> n == 1 ? null : n - 1);
        pendingByAccount.computeIfPresent(p.account(), (a, n) -> n == 1 ? null : n - 1);
    }

    /** An offer's answer time is over (on the deadlines' thread). */
    private void expire(Pending p) {
        if (take(p.id(), p.share()) != null) {
            error(p.connect(), p.id(), RendezvousCode.NO_ANSWER, "the share did not answer within " + ANSWER_TIMEOUT.toSeconds() + " s");
        }
    }

    /** Ends the answer-deadline thread; offers still waiting get no error (their sessions are closing with the server). */
    void close() {
        answerDeadlines.close();
    }

    private static void error(Session to, String session, RendezvousCode code, String reason) {
        send(to, ControlCodec.encode(new RendezvousError(session, code.wireName(), null, reason)));
    }

    /** Best effort: a peer that left cannot be told anything. */
    private static void send(Session to, byte[] message) {
        try {
            to.mux().sendControl(message);
        } catch (IOException gone) {
            // its session is closing; closed() cleans up after it
        }
    }

    private static String observed(Session s) {
        return RendezvousDialer.observedText((InetSocketAddress) s.remoteAddress());
    }
}
