package io.loomtunnel.cli;

import io.loomtunnel.p2p.PeerRefusedException;
import io.loomtunnel.p2p.path.NoPathException;
import io.loomtunnel.p2p.signal.SignalException;

/** The exit code for each way a peer-to-peer command can fail (README, "Exit codes"; docs/P2P.md). */
final class PeerExits {
    private PeerExits() {}

    static int of(SignalException e) {
        return switch (e.problem()) {
            case EXPIRED -> ExitCode.BLOCK_EXPIRED;
            case REPLAYED -> ExitCode.BLOCK_REPLAYED;
            default -> ExitCode.BAD_BLOCK;
        };
    }

    static int of(PeerRefusedException e) {
        return switch (e.code()) {
            case NOT_ALLOWED -> ExitCode.AUTH_REFUSED;
            case SERVICE_NOT_OFFERED -> ExitCode.SERVICE_REFUSED;
            case TOO_MANY_SESSIONS -> ExitCode.PEER_BUSY;
            default -> ExitCode.CONNECT_FAILED;
        };
    }

    /** The code for a failure of {@code connect}, or -1 when it is none of the peer-to-peer ones. */
    static int of(Exception e) {
        if (e instanceof SignalException s) {
            return of(s);
        }
        if (e instanceof PeerRefusedException r) {
            return of(r);
        }
        if (e instanceof NoPathException) {
            return ExitCode.CONNECT_FAILED;
        }
        return -1;
    }
}
