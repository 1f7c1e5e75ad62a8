package io.loomtunnel.internal.cli;

import io.loomtunnel.client.ClientEvents;
import io.loomtunnel.client.ClientExit;
import io.loomtunnel.client.ClientSettings;
import io.loomtunnel.client.TunnelClient;
import java.io.IOException;

/** Runs a client in the foreground for {@code client}, {@code http}, {@code tcp} and {@code udp}: until it stops for good or a signal drains it. */
final class ClientRun {
    private ClientRun() {}

    /** Starts the client, prints its admin line, stops it on SIGINT/SIGTERM, and returns its exit code. */
    static int run(ClientSettings settings, ClientEvents events) throws IOException, InterruptedException {
        TunnelClient client;
        try {
            client = TunnelClient.start(settings, events);
        } catch (java.net.BindException e) {
            throw new UsageException("cannot listen on " + e.getMessage()); // only the admin endpoint listens
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage()); // a policy or plugin the client could not make
        }
        if (client.adminAddress() != null) {
            System.out.println(ObserveOptions.adminLine(client.adminAddress()));
        }
        StopSignals.onStop(client::close); // drains, then awaitExit returns CLOSED
        ClientExit exit = client.awaitExit();
        if (exit.code() == ClientExit.CLOSED) {
            System.out.println("stopped");
        } else {
            System.err.println("loomtunnel: " + exit.reason());
        }
        return exit.code();
    }
}
