package io.loomtunnel.p2p.signal;

import java.io.IOException;
import java.time.Instant;

/**
 * How a connecting peer's offer reaches the sharing peer and the answer comes back, before any
 * path between them exists: copy-paste ({@link ManualConnectSignaling}) or, later, a loomtunnel
 * server acting as directory. Transports only: {@code ConnectPeer} signs and verifies.
 */
public interface ConnectSignaling {
    /**
     * Delivers the signed offer and returns the share's signed answer.
     *
     * @param deadline when the offer expires: no answer by then is a {@link SignalException.Problem#EXPIRED}
     * @throws SignalException when what came back is not a readable block
     */
    SignedBlock exchange(SignedBlock offer, Instant deadline) throws IOException;
}
