package io.loomtunnel.internal.signal;

import io.loomtunnel.internal.path.PathHints;
import io.loomtunnel.internal.path.PunchPort;
import io.loomtunnel.tls.PeerId;
import java.io.IOException;
import java.time.Instant;

/**
 * How a connecting peer's offer reaches the sharing peer and the answer comes back, before any
 * path between them exists: copy-paste ({@link ManualConnectSignaling}) or a loomtunnel server
 * acting as directory ({@code ServerConnectSignaling}). Transports only: {@code ConnectPeer}
 * signs and verifies.
 */
public interface ConnectSignaling {
    /**
     * Delivers the signed offer and returns the share's signed answer.
     *
     * @param deadline when the offer expires: no answer by then is a {@link SignalException.Problem#EXPIRED}
     * @throws SignalException when what came back is not a readable block
     */
    SignedBlock exchange(SignedBlock offer, Instant deadline) throws IOException;

    /** The server key this transport pins (one that goes through a loomtunnel server), else null: the dashboard shows it. */
    default PeerId serverId() {
        return null;
    }

    /**
     * One session's signaling, for a connecting side whose punch port is {@code from}: the answer,
     * what the transport learned about paths, and what to call once the path race is over.
     * Transports that talk to a server override it, to dial the server from the punch port (so
     * the server sees the port's public mapping) and to offer their relay; the default exchanges
     * blocks only.
     */
    default Reply exchange(SignedBlock offer, Instant deadline, PunchPort from) throws IOException {
        return new Reply(exchange(offer, deadline), PathHints.NONE, () -> {});
    }

    /**
     * The same, for a transport that can wait past an unusable answer: {@code check} says whether
     * a block is this offer's answer (signed by the peer, for this session), and a transport that
     * watches a file keeps watching past one that is not (see {@link ManualConnectSignaling}).
     * The default checks nothing: the caller checks what comes back.
     */
    default Reply exchange(SignedBlock offer, Instant deadline, PunchPort from, AnswerCheck check) throws IOException {
        return exchange(offer, deadline, from);
    }

    /** Whether a block is the answer to this offer. */
    @FunctionalInterface
    interface AnswerCheck {
        /** @throws SignalException saying why {@code answer} cannot be this offer's answer */
        void check(SignedBlock answer) throws SignalException;
    }

    /**
     * What came back for an offer.
     *
     * @param release called once the race is over, whatever its outcome: the transport keeps what
     *     the chosen path still needs (a relayed path's server session) and lets the rest go
     */
    record Reply(SignedBlock answer, PathHints hints, Runnable release) {}
}
