package io.loomtunnel.internal.rendezvous;

import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.net.Backoff;
import io.loomtunnel.internal.path.PathHints;
import io.loomtunnel.internal.path.RelayDialer;
import io.loomtunnel.internal.signal.BlockKind;
import io.loomtunnel.internal.signal.ShareSignaling;
import io.loomtunnel.internal.signal.SignalException;
import io.loomtunnel.internal.signal.SignedBlock;
import io.loomtunnel.internal.wire.ProtocolException;
import io.loomtunnel.mux.SessionClosedException;
import io.loomtunnel.session.AuthenticationException;
import io.loomtunnel.internal.protocol.AnswerMessage;
import io.loomtunnel.internal.protocol.ControlCodec;
import io.loomtunnel.internal.protocol.ControlMessage;
import io.loomtunnel.internal.protocol.MessageType;
import io.loomtunnel.internal.protocol.OfferMessage;
import io.loomtunnel.internal.protocol.RegisterShare;
import io.loomtunnel.internal.protocol.RendezvousError;
import io.loomtunnel.internal.protocol.ShareRegistered;
import io.loomtunnel.internal.protocol.Unanswered;
import io.loomtunnel.session.Session;
import io.loomtunnel.tls.PeerId;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * Server signaling, sharing side: one long-lived session to the server, dialed from the share's
 * punch port (so the server sees, and tells connecting peers, that port's public mapping, and the
 * session keeps the mapping alive). It registers the share's id with the ids allowed to find it,
 * answers the offers the server forwards, and lends the session to relayed paths. A lost session
 * is dialed again with backoff (1 s doubling to 30 s) and registered again; sessions already
 * running on direct paths do not notice.
 *
 * <p>Threads: {@link #serve} runs on the caller's thread (the runner), the only reader of the
 * session's control messages; it starts none. {@link #close} may come from any thread: it closes
 * the current session and interrupts the runner, which wakes it from a backoff pause or a dial.
 *
 * <p>Locking: no lock. {@code current}, {@code closed} and {@code runner} are volatile: the
 * runner writes {@code current} and {@code runner}, {@link #close} writes {@code closed}, and
 * each side checks the other's write after its own (the runner looks at {@code closed} again
 * right after publishing a new session), so a session dialed during a close is closed too.
 */
public final class ServerShareSignaling implements ShareSignaling, Closeable {
    static final Duration REGISTER_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration BACKOFF_MIN = Duration.ofSeconds(1);
    private static final Duration BACKOFF_MAX = Duration.ofSeconds(30);

    /** What the share's user is told about the server session. */
    public interface Events {
        /** Registered; {@code observed} is where the server sees this share. */
        default void registered(String server, InetSocketAddress observed) {}

        /** The session to the server was lost; the next try is in {@code retryIn}. */
        default void lost(String reason, Duration retryIn) {}

        Events NONE = new Events() {};
    }

    private final RendezvousDialer server;
    private final InetSocketAddress punch;
    private final List<String> allowed;
    private final Events events;
    private final ServerRelay relay;
    private volatile Session current;
    private volatile boolean closed;
    private volatile Thread runner;

    /**
     * @param punch the share's punch port, which the session is dialed from; null for any port
     * @param allowed the peers that may find this share (its allow list)
     */
    public ServerShareSignaling(RendezvousDialer server, InetSocketAddress punch, Collection<PeerId> allowed, Events events) {
        if (allowed.size() > RegisterShare.MAX_ALLOWED) {
            throw new IllegalArgumentException("server signaling registers at most " + RegisterShare.MAX_ALLOWED
                    + " allowed peers, the allow list has " + allowed.size());
        }
        this.server = server;
        this.punch = punch;
        this.allowed = allowed.stream().map(PeerId::value).sorted().toList();
        this.events = events;
        this.relay = new ServerRelay(() -> current, server.via(), ServerRelay.Hooks.NONE);
    }

    @Override
    public PeerId serverId() {
        return server.serverId();
    }

    /**
     * Runs until {@link #close}: registers, answers offers, and after a lost session registers
     * again.
     *
     * @throws AuthenticationException the server refused our token or key
     * @throws RendezvousException the server refused the registration (another share has our id;
     *     after a lost session, that is taken for our old session and tried again)
     * @throws IOException the first session could not be set up
     */
    @Override
    public void serve(OfferHandler handler) throws IOException {
        runner = Thread.currentThread();
        Backoff backoff = new Backoff(BACKOFF_MIN, BACKOFF_MAX);
        boolean everRegistered = false;
        while (!closed) {
            String lost;
            try {
                Session session = server.dial(punch);
                current = session;
                if (closed) {
                    session.close();
                    return;
                }
                register(session);
                everRegistered = true;
                backoff.reset();
                lost = answerOffers(session, handler);
            } catch (AuthenticationException e) {
                throw e;
            } catch (RendezvousException e) {
                if (!everRegistered || e.code() != RendezvousCode.ALREADY_REGISTERED) {
                    throw e;
                }
                lost = e.getMessage() + " (our lost session, until the server notices it is gone)";
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                if (!everRegistered) {
                    throw e;
                }
                lost = "cannot reach the server " + server.via() + ": " + e.getMessage();
            } finally {
                Session s = current;
                current = null;
                if (s != null) {
                    s.close();
                }
            }
            if (closed) {
                return;
            }
            Duration pause = backoff.next();
            events.lost(lost, pause);
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                return; // closed
            }
        }
    }

    private void register(Session session) throws IOException {
        session.mux().sendControl(ControlCodec.encode(new RegisterShare(allowed)));
        ControlMessage m;
        try {
            m = ControlCodec.decode(session.mux().receiveControl(REGISTER_TIMEOUT));
        } catch (SocketTimeoutException e) {
            throw new IOException("the server " + server.via() + " did not confirm the registration within "
                    + REGISTER_TIMEOUT.toSeconds() + " s");
        }
        ShareRegistered registered = switch (m) {
            case ShareRegistered r -> r;
            case RendezvousError e -> throw ServerConnectSignaling.failure(e);
            default -> throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "expected "
                    + MessageType.P2P_REGISTERED.tag() + " from the server, got " + m.type());
        };
        List<InetSocketAddress> observed = RendezvousDialer.observed(registered.observed());
        events.registered(server.via(), observed.isEmpty() ? null : observed.getFirst());
    }

    /** Answers each forwarded offer in turn until the session ends; returns why it ended. */
    private String answerOffers(Session session, OfferHandler handler) throws IOException {
        try {
            while (true) {
                if (ControlCodec.decode(session.mux().receiveControl(Duration.ZERO)) instanceof OfferMessage offer) {
                    answer(session, offer, handler);
                }
                // Anything else (an error about an answer we sent late, a newer server's messages) needs nothing from us.
            }
        } catch (SessionClosedException e) {
            return e.getMessage();
        }
    }

    private void answer(Session session, OfferMessage offer, OfferHandler handler) throws IOException {
        byte[] reply;
        try {
            SignedBlock block = BlockText.decode(BlockKind.OFFER, offer.block());
            SignedBlock answer = handler.answer(block, new PathHints(RendezvousDialer.observed(offer.observed()), relay));
            reply = ControlCodec.encode(new AnswerMessage(BlockText.encode(answer), null));
        } catch (SignalException e) {
            handler.refused(e);
            reply = ControlCodec.encode(new Unanswered(offer.session(), e.problem().name(), e.getMessage()));
        }
        session.mux().sendControl(reply);
    }

    /** The server's relay through the current session, for offers that came another way (Nostr, 9.6 tickets). */
    public RelayDialer relay() {
        return relay;
    }

    /** Stops: the session to the server closes, and with it every relayed path through it. */
    @Override
    public void close() {
        closed = true;
        Session s = current;
        if (s != null) {
            s.close();
        }
        Thread t = runner;
        if (t != null) {
            t.interrupt();
        }
    }
}
