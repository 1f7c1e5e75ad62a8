package io.loomtunnel.internal.cli;

import io.loomtunnel.client.ClientEvents;
import io.loomtunnel.client.ClientSettings;
import io.loomtunnel.client.PublicTunnel;
import io.loomtunnel.observe.LogRing;
import io.loomtunnel.tls.PeerId;
import java.io.PrintStream;
import java.time.Duration;

/** Prints a running client's events, one line each (a tunnel's line is what a user copies), and keeps the recent ones for {@code logs}. */
class ClientPrinter implements ClientEvents {
    private final PrintStream out;
    private final LogRing logs;
    private final String server;

    ClientPrinter(PrintStream out, ClientSettings settings, LogRing logs) {
        this.out = out;
        this.logs = logs;
        this.server = FlagValue.address(settings.server());
    }

    /** Prints one event line and keeps it for {@code logs}. */
    final void line(String text) {
        out.println(text);
        logs.add(text);
    }

    @Override
    public void connected(PeerId serverId, String cipherSuite, boolean reconnected) {
        line((reconnected ? "reconnected to " : "connected to ") + server + " (server id pinned, " + cipherSuite + ")");
    }

    @Override
    public void tunnelOpened(PublicTunnel t) {
        line(String.format("%-4s %-16s %s -> %s", t.spec().type().wireName(), t.spec().name(), t.address(), t.spec().local()));
    }

    @Override
    public void tunnelMoved(PublicTunnel t, String previous) {
        line("tunnel " + t.spec().name() + " moved to " + t.address() + ": the server could not give it " + previous + " again");
    }

    @Override
    public void tunnelRefused(String name, String reason) {
        line("tunnel " + name + " refused: " + reason);
    }

    @Override
    public void disconnected(String reason, Duration retryIn) {
        line(String.format("%s; retrying in %.1f s", reason, retryIn.toMillis() / 1000.0));
    }

    @Override
    public void localUnreachable(String tunnel, String local, String reason) {
        line("tunnel " + tunnel + ": cannot reach " + local + ": " + reason);
    }
}
