package io.loomtunnel.internal.cli;

import io.loomtunnel.internal.path.Candidates;
import io.loomtunnel.internal.rendezvous.ServerShareSignaling;
import io.loomtunnel.observe.LogRing;
import io.loomtunnel.p2p.PeerSession;
import io.loomtunnel.p2p.RefusalCode;
import io.loomtunnel.p2p.ShareEvents;
import io.loomtunnel.p2p.SharedService;
import io.loomtunnel.tls.PeerId;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Prints a sharing peer's events, one line each, and keeps the recent ones for {@code logs} (with manual signaling the answers themselves are
 * printed by the signaling); remembers the exit code of the last offer that could not be used.
 */
final class SharePrinter implements ShareEvents, ServerShareSignaling.Events {
    private final PrintStream out;
    private final PrintStream err;
    private final boolean manual;
    private final String through; // what carries answers: "the server" or "the Nostr relays"
    private final LogRing logs;
    private volatile int lastBadOffer = ExitCode.OK;

    /**
     * @param manual whether the user passes answers on (else the server or the Nostr relays do)
     * @param nostr whether the Nostr relays carry the answers
     * @param logs keeps the lines for the admin endpoint's {@code /api/logs}
     */
    SharePrinter(PrintStream out, PrintStream err, boolean manual, boolean nostr, LogRing logs) {
        this.out = out;
        this.err = err;
        this.manual = manual;
        this.through = nostr ? "the Nostr relays" : "the server";
        this.logs = logs;
    }

    private void print(PrintStream to, String line) {
        to.println(line);
        logs.add(line);
    }

    @Override
    public void answered(PeerId peer, String sessionId, String service) {
        print(out, "answer for peer " + peer.abbreviated() + "… session " + sessionId + " (service " + service
                + (manual ? "); give it to the connecting side:" : ") sent through " + through));
    }

    @Override
    public void sessionRefused(PeerId peer, String sessionId, RefusalCode code, String reason) {
        print(out, "refused session " + sessionId + " of peer " + peer.abbreviated() + "…: " + reason
                + (code == RefusalCode.ALREADY_CONNECTED ? "" : manual ? "; the answer below tells the connecting side"
                : "; the answer tells the connecting side"));
    }

    @Override
    public void registered(String server, InetSocketAddress observed) {
        print(out, "registered with the server " + server + ", which sees this share at "
                + (observed == null ? "an unknown address" : Candidates.text(observed)));
        print(out, "ready for connecting peers");
    }

    @Override
    public void lost(String reason, Duration retryIn) {
        print(err, "lost the server: " + reason + "; registering again in " + retryIn.toMillis() + " ms");
    }

    @Override
    public void offerRefused(IOException problem) {
        lastBadOffer = PeerExits.of(problem);
        print(err, "offer refused: " + problem.getMessage());
    }

    @Override
    public void sessionStarted(PeerSession s) {
        print(out, "session " + s.id() + " peer " + s.peer().abbreviated() + "… service " + s.service() + ": " + s.path());
    }

    @Override
    public void sessionEnded(PeerSession s, String reason) {
        print(out, "session " + s.id() + " ended: " + reason);
    }

    @Override
    public void pendingExpired(PeerId peer, String sessionId, String reason) {
        print(out, "session " + sessionId + " of peer " + peer.abbreviated() + "… never connected: " + reason);
    }

    @Override
    public void serviceUnreachable(SharedService service, String reason) {
        print(err, "service " + service.name() + ": cannot reach " + service.targetText() + ": " + reason);
    }

    /** 0, or the exit code for the last offer that could not be used (docs/P2P.md). */
    int exitCode() {
        return lastBadOffer;
    }
}
