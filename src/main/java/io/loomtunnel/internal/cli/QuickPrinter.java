package io.loomtunnel.internal.cli;

import io.loomtunnel.client.ClientSettings;
import io.loomtunnel.client.PublicTunnel;
import io.loomtunnel.observe.LogRing;
import io.loomtunnel.tunnel.TunnelType;
import java.io.PrintStream;

/**
 * The quick commands' output: the client's event lines, with the one tunnel shown as ngrok shows
 * it, {@code Forwarding  PUBLIC -> LOCAL}, the public side first and ready to copy.
 */
final class QuickPrinter extends ClientPrinter {
    QuickPrinter(PrintStream out, ClientSettings settings, LogRing logs) {
        super(out, settings, logs);
    }

    @Override
    public void tunnelOpened(PublicTunnel t) {
        // An HTTP tunnel's address is its URL; a TCP or UDP one is HOST:PORT, which says nothing of its type.
        String type = t.spec().type() == TunnelType.HTTP ? "" : t.spec().type().wireName() + "  ";
        line("Forwarding  " + type + t.address() + " -> " + t.spec().local() + "   (Ctrl-C to stop)");
    }
}
