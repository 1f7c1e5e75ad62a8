package io.loomtunnel.internal.rendezvous;

import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.path.PathHints;
import io.loomtunnel.internal.path.PunchPort;
import io.loomtunnel.internal.protocol.ControlCodec;
import io.loomtunnel.internal.protocol.ControlMessage;
import io.loomtunnel.internal.protocol.MessageType;
import io.loomtunnel.internal.protocol.RendezvousError;
import io.loomtunnel.internal.protocol.TicketIssued;
import io.loomtunnel.internal.protocol.TicketRequest;
import io.loomtunnel.internal.signal.ConnectSignaling;
import io.loomtunnel.internal.signal.SignedBlock;
import io.loomtunnel.internal.wire.ProtocolException;
import io.loomtunnel.session.Session;
import io.loomtunnel.tls.PeerId;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;

/**
 * A loomtunnel server's relay as the fallback for offers that travel another way (Nostr), connecting
 * side: each attempt opens a session to the server from the attempt's punch port, asks it for a
 * relay ticket for the signed offer ({@code p2p_ticket}, docs/protocol/P2P.md 9.6), and only then
 * lets {@code blocks} deliver the offer, so the ticket is there before the share can ask for the
 * relay. The session stays up during the path race, and for as long as a relayed path runs in it.
 */
public final class ServerTicketSignaling implements ConnectSignaling {
    /** How long the server has to issue a ticket: it checks a signature and looks up the share. */
    static final Duration TICKET_TIMEOUT = Duration.ofSeconds(10);

    private final RendezvousDialer server;
    private final ConnectSignaling blocks;

    /** @param blocks carries the offer and the answer (Nostr signaling) */
    public ServerTicketSignaling(RendezvousDialer server, ConnectSignaling blocks) {
        this.server = server;
        this.blocks = blocks;
    }

    @Override
    public PeerId serverId() {
        return server.serverId();
    }

    /** Exchanges blocks with a ticket from a session of its own (not from a punch port), closed at once. */
    @Override
    public SignedBlock exchange(SignedBlock offer, Instant deadline) throws IOException {
        Reply reply = exchange(offer, deadline, null, answer -> {});
        reply.release().run();
        return reply.answer();
    }

    @Override
    public Reply exchange(SignedBlock offer, Instant deadline, PunchPort from) throws IOException {
        return exchange(offer, deadline, from, answer -> {});
    }

    @Override
    public Reply exchange(SignedBlock offer, Instant deadline, PunchPort from, AnswerCheck check) throws IOException {
        Session session = server.dial(from == null ? null : from.localAddress());
        HeldSession held = new HeldSession(session);
        try {
            session.mux().sendControl(ControlCodec.encode(new TicketRequest(BlockText.encode(offer))));
            ControlMessage m;
            try {
                m = ControlCodec.decode(session.mux().receiveControl(TICKET_TIMEOUT));
            } catch (SocketTimeoutException e) {
                throw new IOException("the server " + server.via() + " gave no relay ticket within " + TICKET_TIMEOUT.toSeconds() + " s");
            }
            switch (m) {
                case TicketIssued t -> { }
                case RendezvousError e -> throw ServerConnectSignaling.failure(e);
                default -> throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "expected "
                        + MessageType.P2P_TICKETED.tag() + " from the server, got " + m.type());
            }
            Reply reply = blocks.exchange(offer, deadline, from, check);
            return new Reply(reply.answer(), new PathHints(reply.hints().observed(), ServerConnectSignaling.relayThrough(held, server.via())),
                    () -> {
                        reply.release().run();
                        held.release();
                    });
        } catch (IOException | RuntimeException e) {
            session.close();
            throw e;
        }
    }
}
