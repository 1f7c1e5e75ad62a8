package io.loomtunnel.internal.cli;

import io.loomtunnel.client.ClientSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import picocli.CommandLine.Option;

/**
 * Where a client serves its dashboard (docs/DASHBOARD.md): on 127.0.0.1:{@value #DEFAULT_PORT}
 * by default, on another free loopback port when that one is taken (several clients on one
 * machine), nowhere with {@code --no-dashboard}; an admin address given (--admin-bind, [admin]
 * bind) wins. A picocli mixin of {@code client} and the quick commands.
 */
final class DashboardOptions {
    static final int DEFAULT_PORT = 4040;

    @Option(names = "--no-dashboard",
            description = "Do not serve the dashboard on 127.0.0.1:" + DEFAULT_PORT + " (another free port when that is taken);"
                    + " --admin-bind serves it where you say.")
    boolean off;

    /**
     * The settings to start with, and those to fall back to when the dashboard's port is taken (null when
     * there is no default to fall back from).
     */
    record Choice(ClientSettings settings, ClientSettings fallback) {}

    /** Builds the client's settings with the dashboard's default address unless it is off or an address was given. */
    Choice apply(ClientSettings.Builder b) {
        ClientSettings given = b.build();
        if (off || given.observe().adminBind() != null) {
            return new Choice(given, null);
        }
        InetAddress loopback = InetAddress.getLoopbackAddress();
        b.observe().adminBind(new InetSocketAddress(loopback, DEFAULT_PORT));
        ClientSettings preferred = b.build();
        b.observe().adminBind(new InetSocketAddress(loopback, 0));
        return new Choice(preferred, b.build());
    }

    /** The line a client prints when it serves the dashboard at its default address. */
    static String line(InetSocketAddress admin) {
        return "dashboard: http://" + FlagValue.address(admin) + "/";
    }
}
