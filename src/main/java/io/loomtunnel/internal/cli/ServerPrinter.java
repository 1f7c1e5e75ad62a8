package io.loomtunnel.internal.cli;

import io.loomtunnel.observe.LogRing;
import io.loomtunnel.server.ServerEvents;
import io.loomtunnel.tls.PeerId;
import java.io.PrintStream;

/** Prints a running server's events, one line each, and keeps the recent ones for the console's {@code logs}. */
final class ServerPrinter implements ServerEvents {
    private final PrintStream out;
    private final LogRing logs;

    ServerPrinter(PrintStream out, LogRing logs) {
        this.out = out;
        this.logs = logs;
    }

    private void line(String text) {
        out.println(text);
        logs.add(text);
    }

    @Override
    public void clientConnected(PeerId client, String principal, String address) {
        line("client " + client.abbreviated() + " connected from " + address + " (" + principal + ")");
    }

    @Override
    public void clientRefused(String reason) {
        line("refused: " + reason);
    }

    @Override
    public void tunnelOpened(PeerId client, String tunnel, String publicAddress) {
        line("tunnel " + tunnel + " of " + client.abbreviated() + " at " + publicAddress);
    }

    @Override
    public void tunnelRefused(PeerId client, String tunnel, String reason) {
        line("tunnel " + tunnel + " of " + client.abbreviated() + " refused: " + reason);
    }

    @Override
    public void clientDisconnected(PeerId client, String reason) {
        line("client " + client.abbreviated() + " disconnected: " + reason);
    }

    @Override
    public void tunnelClosed(PeerId client, String tunnel) {
        line("tunnel " + tunnel + " of " + client.abbreviated() + " closed");
    }

    @Override
    public void shareRegistered(PeerId share, int allowedPeers, String observed) {
        line("share " + share.abbreviated() + " registered from " + observed + " (" + allowedPeers + " allowed peers)");
    }

    @Override
    public void relayOpened(String session, PeerId connect, PeerId share) {
        line("relay " + session + " opened: connect " + connect.abbreviated() + " <-> share " + share.abbreviated());
    }

    @Override
    public void relayClosed(String session, long bytes) {
        line("relay " + session + " closed after " + bytes + " bytes");
    }

    @Override
    public void relayRefused(PeerId peer, String reason) {
        line("relay for " + peer.abbreviated() + " refused: " + reason);
    }
}
