package io.loomtunnel.internal.rendezvous;

import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.path.PathHints;
import io.loomtunnel.internal.path.PunchPort;
import io.loomtunnel.internal.signal.BlockKind;
import io.loomtunnel.internal.signal.ConnectSignaling;
import io.loomtunnel.internal.signal.SignalException.Problem;
import io.loomtunnel.internal.signal.SignalException;
import io.loomtunnel.internal.signal.SignedBlock;
import io.loomtunnel.internal.protocol.AnswerMessage;
import io.loomtunnel.internal.protocol.ControlCodec;
import io.loomtunnel.internal.protocol.ControlMessage;
import io.loomtunnel.internal.protocol.MessageType;
import io.loomtunnel.internal.protocol.OfferMessage;
import io.loomtunnel.internal.protocol.RendezvousError;
import io.loomtunnel.internal.wire.ProtocolException;
import io.loomtunnel.session.Session;
import io.loomtunnel.tls.PeerId;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;

/**
 * Server signaling, connecting side: each session attempt opens its own session to the server
 * from the attempt's punch port, sends the offer there and waits for the answer the server brings
 * back, with the address the server sees the share at. That session stays up during the path
 * race (it keeps our NAT's mapping of the punch port alive, which the share dials), and for as
 * long as a relayed path runs inside it.
 */
public final class ServerConnectSignaling implements ConnectSignaling {
    /** The server gives up on a share's answer after 30 s; this leaves it room to say so. */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(40);

    private final RendezvousDialer server;

    public ServerConnectSignaling(RendezvousDialer server) {
        this.server = server;
    }

    @Override
    public PeerId serverId() {
        return server.serverId();
    }

    /** Exchanges blocks over a session of its own (not from a punch port), closed at once: no hints. */
    @Override
    public SignedBlock exchange(SignedBlock offer, Instant deadline) throws IOException {
        Reply reply = exchange(offer, deadline, null);
        reply.release().run();
        return reply.answer();
    }

    @Override
    public Reply exchange(SignedBlock offer, Instant deadline, PunchPort from) throws IOException {
        Session session = server.dial(from == null ? null : from.localAddress());
        HeldSession held = new HeldSession(session);
        try {
            session.mux().sendControl(ControlCodec.encode(new OfferMessage(null, BlockText.encode(offer), null)));
            Duration left = Duration.between(Instant.now(), deadline);
            Duration wait = left.compareTo(ANSWER_TIMEOUT) < 0 ? left : ANSWER_TIMEOUT;
            ControlMessage m;
            try {
                m = ControlCodec.decode(session.mux().receiveControl(wait.isNegative() || wait.isZero() ? Duration.ofMillis(1) : wait));
            } catch (SocketTimeoutException e) {
                throw new SignalException(Problem.EXPIRED, "no answer came through the server " + server.via() + " within "
                        + wait.toSeconds() + " s");
            }
            AnswerMessage answer = switch (m) {
                case AnswerMessage a -> a;
                case RendezvousError e -> throw failure(e);
                default -> throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "expected "
                        + MessageType.P2P_ANSWER.tag() + " from the server, got " + m.type());
            };
            return new Reply(BlockText.decode(BlockKind.ANSWER, answer.block()),
                    new PathHints(RendezvousDialer.observed(answer.observed()), relayThrough(held, server.via())), held::release);
        } catch (IOException | RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** The server's relay through {@code held}, which stays up while a relayed path runs in it. */
    static ServerRelay relayThrough(HeldSession held, String via) {
        return new ServerRelay(held::session, via, new ServerRelay.Hooks() {
            @Override
            public void opened() {
                held.relayOpened();
            }

            @Override
            public void closed() {
                held.relayClosed();
            }
        });
    }

    /** What the server's error means here: the share's own problem with the offer, or the server's. */
    static IOException failure(RendezvousError error) {
        RendezvousCode code = RendezvousCode.parse(error.code());
        String reason = error.reason() == null ? code.wireName() : error.reason();
        if (code == RendezvousCode.UNANSWERED) {
            Problem problem;
            try {
                problem = Problem.valueOf(String.valueOf(error.problem()));
            } catch (IllegalArgumentException e) {
                problem = Problem.DAMAGED;
            }
            return new SignalException(problem, "the share could not use the offer: " + reason);
        }
        return new RendezvousException(code, reason);
    }
}
