package io.loomtunnel.internal.cli;

import io.loomtunnel.client.ClientSettings;
import io.loomtunnel.client.TunnelClient;
import io.loomtunnel.internal.config.ClientConfigLoader;
import io.loomtunnel.internal.config.ConfigException;
import io.loomtunnel.internal.config.ServerConfigLoader;
import io.loomtunnel.internal.console.AdminClient;
import io.loomtunnel.internal.console.Console;
import io.loomtunnel.internal.console.StatusView;
import io.loomtunnel.observe.LogRing;
import io.loomtunnel.observe.ObserveSettings;
import io.loomtunnel.observe.Status;
import io.loomtunnel.server.ServerSettings;
import io.loomtunnel.server.TunnelServer;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code loomtunnel console}: the interactive operator console, attached to a running server's or
 * client's admin endpoint, or to a server or client it starts itself from a config file.
 */
@Command(name = "console", mixinStandardHelpOptions = true,
        description = "Interactive console: sessions, tunnels, streams, live stats, open/close tunnels, kick sessions, logs.",
        footer = {"", "Examples:",
                "  loomtunnel console                 # the endpoint at 127.0.0.1:9090",
                "  loomtunnel console --admin http://127.0.0.1:9191 \\",
                "      --admin-token-file admin-token.txt",
                "  loomtunnel console --config client.toml   # starts that client, attaches",
                "  printf 'sessions\\ntunnels\\n' | loomtunnel console   # scripted",
                "", "Exit codes: 0 ok, 2 bad usage or config, 3 token missing or wrong, 10 endpoint unreachable."})
final class ConsoleCommand implements Callable<Integer> {
    @Mixin
    AdminOptions admin;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Start a server or client from this TOML file in this process and attach to it.")
    Path config;

    @Option(names = "--role", paramLabel = "ROLE",
            description = "With --config: server or client (default: client if the file has server_id, else server).")
    String role;

    @Option(names = "--history", paramLabel = "FILE",
            description = "Keep the command history in FILE (default: in memory only).")
    Path history;

    @Override
    public Integer call() throws Exception {
        if (config == null) {
            AdminClient client = admin.client();
            Status status = client.status(); // fails early: unreachable, token
            Console.run(client, status.role(), history, "attached to " + client.base() + "\n" + StatusView.summary(status));
            return ExitCode.OK;
        }
        LogRing logs = new LogRing();
        boolean isClient = role == null ? hasServerId(config) : switch (role) {
            case "client" -> true;
            case "server" -> false;
            default -> throw new UsageException("--role must be server or client, got '" + role + "'");
        };
        String token = admin.token();
        try (Embedded embedded = isClient ? startClient(logs, token) : startServer(logs, token)) {
            AdminClient client = new AdminClient(URI.create("http://" + FlagValue.address(embedded.admin()) + "/"), token);
            Status status = client.status();
            Console.run(client, status.role(), history, "started a " + status.role() + " from " + config
                    + " (admin endpoint " + client.base() + ")\n" + StatusView.summary(status));
        }
        return ExitCode.OK;
    }

    /** A server or client this console started, and where its admin endpoint is. */
    private record Embedded(Closeable endpoint, InetSocketAddress admin) implements Closeable {
        @Override
        public void close() throws IOException {
            endpoint.close();
        }
    }

    private Embedded startServer(LogRing logs, String token) throws IOException {
        ServerSettings.Builder b = ServerSettings.builder();
        ServerConfigLoader.apply(config, System.getenv(), b);
        observe(b.observe(), logs, token);
        TunnelServer server = TunnelServer.start(settings(b::build), new ServerPrinter(quiet(), logs));
        return new Embedded(server, server.adminAddress());
    }

    private Embedded startClient(LogRing logs, String token) throws IOException {
        ClientSettings.Builder b = ClientSettings.builder();
        ClientConfigLoader.apply(config, System.getenv(), b);
        observe(b.observe(), logs, token);
        ClientSettings settings = settings(b::build);
        TunnelClient client = TunnelClient.start(settings, new ClientPrinter(quiet(), settings, logs));
        return new Embedded(client, client.adminAddress());
    }

    /** The embedded endpoint's admin listens on a free loopback port unless the file says where. */
    private static void observe(ObserveSettings.Builder b, LogRing logs, String token) {
        b.logs(logs);
        if (token != null) {
            b.adminToken(token);
        }
        if (b.build().adminBind() == null) {
            b.adminBind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        }
    }

    private static <T> T settings(java.util.function.Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** The embedded endpoint's events go to the log ring only: the console owns the terminal. */
    private static PrintStream quiet() {
        return new PrintStream(java.io.OutputStream.nullOutputStream());
    }

    private static boolean hasServerId(Path file) {
        try {
            return Files.readString(file).lines().anyMatch(l -> l.strip().startsWith("server_id"));
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read (" + e.getMessage() + ")");
        }
    }
}
