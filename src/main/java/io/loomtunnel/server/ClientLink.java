package io.loomtunnel.server;

import io.loomtunnel.observe.Status;
import io.loomtunnel.internal.metrics.Reasons;
import io.loomtunnel.internal.protocol.CloseTunnel;
import io.loomtunnel.internal.protocol.ControlCodec;
import io.loomtunnel.internal.protocol.ControlMessage;
import io.loomtunnel.internal.protocol.DirectoryMessage;
import io.loomtunnel.internal.protocol.ErrorReply;
import io.loomtunnel.internal.protocol.Greeting;
import io.loomtunnel.internal.protocol.OpenTunnel;
import io.loomtunnel.internal.protocol.PeerSessionMessage;
import io.loomtunnel.internal.protocol.StreamHeader;
import io.loomtunnel.internal.protocol.TunnelReply;
import io.loomtunnel.internal.protocol.UnknownMessage;
import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.wire.ProtocolException;
import io.loomtunnel.mux.SessionClosedException;
import io.loomtunnel.session.Session;
import io.loomtunnel.internal.metrics.EndpointMetrics;
import io.loomtunnel.internal.tunnel.DatagramLink;
import io.loomtunnel.internal.tunnel.Splice;
import io.loomtunnel.internal.tunnel.UdpEnvelope;
import io.loomtunnel.internal.tunnel.UdpIngress;
import io.loomtunnel.mux.Datagram;
import io.loomtunnel.mux.MuxStream;
import io.loomtunnel.tunnel.TunnelType;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The server's side of one connected client: reads its control messages on the session's own
 * thread and answers each, and tears everything down when the session ends. One client's tunnels,
 * limits and failures never touch another's. The work is split by job: {@link HeldTunnels} (the
 * tunnels it holds and their ingress), {@link ClientStreams} (the streams opened to it, under its
 * limit), {@link ClientDatagrams} (its UDP), and the server's {@link PeerDirectory} for
 * {@code p2p_*} messages.
 *
 * <p>A client that lost its connection comes back on a new session, often before the server has
 * noticed the loss; the old session would still hold the tunnels' ports and hosts. Its tunnel
 * requests name its instance (docs/protocol/TUNNEL.md 8.1): a session of the same key, principal
 * and instance is an older connection of the same client, and is ended before the first tunnel
 * of the newer one is opened, as frp does with a client's run id.
 *
 * <p>Thread safety: {@code kicked} and {@code replaced} are volatile, written by the thread that
 * ends the session (the operator's, or a newer session's control thread) and read once the
 * session has ended; {@code instance} is volatile, written once by the session's own control
 * thread and read by newer sessions' control threads; everything else is final or owned by the
 * parts above.
 */
final class ClientLink {
    /** How long a newer session waits for an older one of the same client to release its tunnels. */
    static final Duration RELEASE_WAIT = Duration.ofSeconds(5);
    /** Instance ids longer than this are not kept (the client's are 32 hex digits). */
    private static final int MAX_INSTANCE = 64;

    private final Session session;
    private final String number;
    private final ServerParts server;
    private final long startNanos = System.nanoTime();
    private final ClientStreams streams;
    private final ClientDatagrams datagrams;
    private final HeldTunnels tunnels;
    private volatile boolean kicked;
    private volatile boolean replaced;
    private volatile String instance;
    private final CountDownLatch released = new CountDownLatch(1);

    /**
     * @param number the server's number for the session, what the operator's {@code kick} names
     * @param grant what this client's grant allows
     */
    ClientLink(Session session, String number, ClientGrant grant, ServerParts server) {
        this.session = session;
        this.number = number;
        this.server = server;
        this.streams = new ClientStreams(session, server.metrics(), server.settings().maxStreamsPerClient(), server.idleWatch(),
                server.serviceLog());
        this.datagrams = new ClientDatagrams(session, number);
        this.tunnels = new HeldTunnels(session, server, grant, streams, datagrams);
    }

    Session session() {
        return session;
    }

    String number() {
        return number;
    }

    /** Ends the session at once on the operator's request; the client sees GO_AWAY and may come back. */
    void kick() {
        kicked = true;
        session.mux().close(ErrorCode.NO_ERROR, "closed by the server's operator");
    }

    /** Why the session ended, as a fixed word for the sessions.closed meter. */
    String closeReason() {
        return kicked ? Reasons.KICKED : replaced ? Reasons.REPLACED : Reasons.sessionClosed(session.mux().closeCause());
    }

    /** Whether {@code older} is an older session of this one's client: the same key, principal and instance. */
    boolean replaces(ClientLink older) {
        String mine = instance;
        return mine != null && mine.equals(older.instance) && Long.parseLong(older.number) < Long.parseLong(number)
                && session.peer().equals(older.session.peer()) && session.principal().equals(older.session.principal());
    }

    /**
     * Ends this session, which {@code newer} replaces, and waits (at most {@link #RELEASE_WAIT})
     * until its tunnels are released.
     */
    void replaceBy(ClientLink newer) {
        replaced = true;
        session.mux().close(ErrorCode.NO_ERROR, "replaced by a newer session of the same client (session " + newer.number + ")");
        try {
            released.await(RELEASE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The first instance id this session's requests name is its own; the older sessions it makes stale end. */
    private void adopt(String id) {
        if (instance == null && id != null && !id.isEmpty() && id.length() <= MAX_INSTANCE) {
            instance = id;
            server.replaceOlder().accept(this);
        }
    }

    /** This session and its tunnels, for /api/status. */
    Status.Session status() {
        Duration rtt = session.mux().rtt();
        return new Status.Session(number, session.peer().abbreviated(), session.principal(),
                String.valueOf(session.remoteAddress()), rtt == null ? null : rtt.toNanos() / 1e6,
                (System.nanoTime() - startNanos) / 1e9, session.mux().streamCount(), tunnels.status());
    }

    int tunnelCount() {
        return tunnels.count();
    }

    /** UDP datagrams this client's tunnels dropped so far. */
    long udpDropped() {
        return tunnels.udpDropped();
    }

    /** The control loop, on the session's own thread, until the session ends; then every tunnel closes. */
    void serve() {
        String reason = "session ended";
        try {
            while (true) {
                ControlMessage m = ControlCodec.decode(session.mux().receiveControl(Duration.ZERO));
                switch (m) {
                    case OpenTunnel open -> {
                        adopt(open.instance());
                        reply(tunnels.open(open));
                    }
                    case CloseTunnel close -> reply(tunnels.close(close));
                    case DirectoryMessage directory -> server.peers().handle(session, directory);
                    // What a client never sends the server: answered as a type the server does not know.
                    case Greeting greeting -> notUnderstood(greeting);
                    case TunnelReply reply -> notUnderstood(reply);
                    case PeerSessionMessage peer -> notUnderstood(peer);
                    case StreamHeader header -> notUnderstood(header);
                    case UnknownMessage unknown -> notUnderstood(unknown);
                }
            }
        } catch (ProtocolException e) {
            reason = e.getMessage();
            session.mux().close(e.code(), e.getMessage());
        } catch (SessionClosedException e) {
            reason = e.getMessage();
        } catch (IOException e) {
            reason = e.getMessage();
            session.close();
        } finally {
            server.peers().closed(session);
            tunnels.releaseAll();
            released.countDown();
            datagrams.close();
            server.events().clientDisconnected(session.peer(), reason);
        }
    }

    private void reply(TunnelReply reply) throws IOException {
        session.mux().sendControl(ControlCodec.encode(reply));
    }

    /** A {@code p2p_*} type goes to the directory, which answers bad_request; any other gets an error reply. */
    private void notUnderstood(ControlMessage m) throws IOException {
        if (PeerDirectory.handles(m.type())) {
            server.peers().refuse(session, m.type());
        } else {
            reply(new ErrorReply("unknown control message type '" + m.type() + "'"));
        }
    }
}
