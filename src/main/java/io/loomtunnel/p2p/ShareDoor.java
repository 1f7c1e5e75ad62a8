package io.loomtunnel.p2p;

import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.path.PeerPath;
import io.loomtunnel.internal.protocol.ControlCodec;
import io.loomtunnel.internal.protocol.ControlMessage;
import io.loomtunnel.internal.protocol.MessageType;
import io.loomtunnel.internal.protocol.SessionAccepted;
import io.loomtunnel.internal.protocol.SessionRefused;
import io.loomtunnel.internal.protocol.SessionRequest;
import io.loomtunnel.p2p.ShareSlots.Slot;
import io.loomtunnel.session.Authenticator;
import io.loomtunnel.session.Session;
import io.loomtunnel.session.SessionAcceptor;
import io.loomtunnel.tls.PeerVerifier;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.function.Function;

/**
 * Where a share's connections come in, whoever dialed and by whichever path: a TLS session with
 * the share as server, then the peer's {@code p2p_request} names the pending session it is the
 * path of, and the first such connection of a session wins (docs/protocol/P2P.md 9.3).
 *
 * <p>Threads: runs on the thread of the dialer, relay contender or accepted connection that
 * calls it (all the share's). No state of its own: the sessions are {@link ShareSlots}'.
 */
final class ShareDoor {
    /** How long a new connection has to name its session. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** How long a refused connection is kept open for the refusal to reach the peer. */
    static final Duration REFUSAL_LINGER = Duration.ofSeconds(5);

    private final ShareSettings settings;
    private final ShareEvents events;
    private final ShareSlots slots;

    ShareDoor(ShareSettings settings, ShareEvents events, ShareSlots slots) {
        this.settings = settings;
        this.events = events;
        this.slots = slots;
    }

    /**
     * Sets up a session on a connection, as TLS server whichever side dialed, and lets its first
     * message decide which pending session it is the path of.
     *
     * @param pathOf how the session travels, for the path report
     */
    void connected(Socket socket, PeerVerifier verifier, Function<Session, PeerPath> pathOf) {
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
            Slot slot = slots.get(request.session());
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
}
