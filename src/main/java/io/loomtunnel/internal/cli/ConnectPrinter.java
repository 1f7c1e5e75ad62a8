package io.loomtunnel.internal.cli;

import io.loomtunnel.observe.LogRing;
import io.loomtunnel.p2p.ConnectEvents;
import io.loomtunnel.p2p.PeerSession;
import io.loomtunnel.tunnel.TunnelType;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/** Prints a connecting peer's events, one line each (the session line is the path report), and keeps the recent ones for {@code logs}. */
final class ConnectPrinter implements ConnectEvents {
    private final PrintStream out;
    private final PrintStream err;
    private final LogRing logs;
    private final String answerFrom;
    private final String server; // "the server HOST:PORT" or "the Nostr relays"; null with manual signaling

    /** With manual signaling: {@code answerFrom} says where the user is to put the answer ("here", or "in FILE"). */
    static ConnectPrinter manual(PrintStream out, PrintStream err, LogRing logs, String answerFrom) {
        return new ConnectPrinter(out, err, logs, answerFrom, null);
    }

    /** With server signaling through {@code server}. */
    static ConnectPrinter viaServer(PrintStream out, PrintStream err, LogRing logs, String server) {
        return new ConnectPrinter(out, err, logs, null, "the server " + server);
    }

    /** With Nostr signaling. */
    static ConnectPrinter viaNostr(PrintStream out, PrintStream err, LogRing logs) {
        return new ConnectPrinter(out, err, logs, null, "the Nostr relays");
    }

    private ConnectPrinter(PrintStream out, PrintStream err, LogRing logs, String answerFrom, String server) {
        this.out = out;
        this.err = err;
        this.logs = logs;
        this.answerFrom = answerFrom;
        this.server = server;
    }

    private void print(PrintStream to, String line) {
        to.println(line);
        logs.add(line);
    }

    @Override
    public void offering(String sessionId, List<InetSocketAddress> candidates) {
        if (server != null) {
            print(err, "offer for session " + sessionId + " (" + candidates.size() + " candidates) goes through "
                    + server);
        } else {
            print(err, "offer for session " + sessionId + " (" + candidates.size() + " candidates): give it to `loomtunnel share`,"
                    + " then put its answer " + answerFrom);
        }
    }

    @Override
    public void listening(String service, TunnelType type, InetSocketAddress local) {
        print(out, "listening on " + type.wireName() + " " + FlagValue.address(local) + " for service " + service);
    }

    @Override
    public void connectionRefused(InetSocketAddress from, String reason) {
        print(err, "connection from " + FlagValue.address(from) + " closed: " + reason);
    }

    @Override
    public void sessionStarted(PeerSession s) {
        print(out, "session " + s.id() + " to peer " + s.peer().abbreviated() + "…: " + s.path());
    }

    @Override
    public void pathChanged(PeerSession s, String from) {
        print(out, "session " + s.id() + " to peer " + s.peer().abbreviated() + "…: " + s.path() + " (was " + from
                + "; new streams take the new path)");
    }

    @Override
    public void directProbeFailed(PeerSession s, int probe, int probes, Duration next, String reason) {
        print(err, "session " + s.id() + ": no direct path yet (look " + probe + " of " + probes
                + (next == null ? ", the last; it stays relayed" : ", the next in " + next.toSeconds() + " s") + "): " + reason);
    }

    @Override
    public void sessionEnded(PeerSession s, String reason) {
        print(out, "session " + s.id() + " ended: " + reason);
    }
}
