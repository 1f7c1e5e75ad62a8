package io.loomtunnel.internal.cli;

import io.loomtunnel.p2p.PeerRefusedException;
import io.loomtunnel.internal.path.NoPathException;
import io.loomtunnel.internal.rendezvous.RendezvousCode;
import io.loomtunnel.internal.rendezvous.RendezvousException;
import io.loomtunnel.internal.signal.ShareNotFoundException;
import io.loomtunnel.internal.signal.SignalException;

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

    /** The code for a failure of {@code share} or {@code connect}: a peer-to-peer one, else as {@link Main} maps it. */
    static int of(Exception e) {
        if (e instanceof SignalException s) {
            return of(s);
        }
        if (e instanceof PeerRefusedException r) {
            return of(r);
        }
        if (e instanceof RendezvousException r) {
            return r.code() == RendezvousCode.UNKNOWN_PEER ? ExitCode.PEER_UNKNOWN : ExitCode.CONNECT_FAILED;
        }
        if (e instanceof ShareNotFoundException) {
            return ExitCode.PEER_UNKNOWN;
        }
        if (e instanceof NoPathException) {
            return ExitCode.CONNECT_FAILED;
        }
        int code = Main.exitCodeFor(e);
        return code == ExitCode.INTERNAL && e instanceof java.io.IOException ? ExitCode.CONNECT_FAILED : code;
    }
}
