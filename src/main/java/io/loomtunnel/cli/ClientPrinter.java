package io.loomtunnel.cli;

import io.loomtunnel.client.ClientEvents;
import io.loomtunnel.client.ClientSettings;
import io.loomtunnel.client.PublicTunnel;
import io.loomtunnel.tls.PeerId;
import java.io.PrintStream;
import java.time.Duration;

/** Prints a running client's events, one line each; a tunnel's line is what a user copies. */
final class ClientPrinter implements ClientEvents {
    private final PrintStream out;
    private final String server;

    ClientPrinter(PrintStream out, ClientSettings settings) {
        this.out = out;
        this.server = FlagValue.address(settings.server());
    }

    @Override
    public void connected(PeerId serverId, String cipherSuite, boolean reconnected) {
        out.println((reconnected ? "reconnected to " : "connected to ") + server + " (server id pinned, " + cipherSuite + ")");
    }

    @Override
    public void tunnelOpened(PublicTunnel t) {
        out.printf("%-4s %-16s %s -> %s%n", t.spec().type().wireName(), t.spec().name(), t.address(), t.spec().local());
    }

    @Override
    public void tunnelRefused(String name, String reason) {
        out.println("tunnel " + name + " refused: " + reason);
    }

    @Override
    public void disconnected(String reason, Duration retryIn) {
        out.printf("%s; retrying in %.1f s%n", reason, retryIn.toMillis() / 1000.0);
    }

    @Override
    public void localUnreachable(String tunnel, String local, String reason) {
        out.println("tunnel " + tunnel + ": cannot reach " + local + ": " + reason);
    }
}
