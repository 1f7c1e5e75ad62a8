package io.loomtunnel.internal.cli;

import io.loomtunnel.client.ClientSettings;
import io.loomtunnel.client.TunnelClient;
import io.loomtunnel.internal.config.ClientConfigLoader;
import io.loomtunnel.internal.net.HostPort;
import io.loomtunnel.internal.tunnel.TunnelFlags;
import io.loomtunnel.observe.LogRing;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code loomtunnel client}: the side next to local services; a thin layer over {@link TunnelClient}. */
@Command(name = "client", mixinStandardHelpOptions = true,
        description = "Connect to a server and expose local services through it.",
        footer = {"", "Examples:",
                "  loomtunnel client --server tunnel.example.org:7835 --server-id ID \\",
                "      --token-file token.txt --tcp 2222:127.0.0.1:22 \\",
                "      --http web:127.0.0.1:3000 --udp 0:127.0.0.1:53",
                "  LOOMTUNNEL_TOKEN=secret loomtunnel client --config client.toml",
                "", "Tunnel specs: --tcp/--udp REMOTE_PORT:LOCAL_HOST:LOCAL_PORT (remote port 0: the server picks),"
                + " --http NAME:LOCAL_HOST:LOCAL_PORT (served at NAME.DOMAIN). Flags override LOOMTUNNEL_* variables,"
                + " which override the config file (docs/CONFIG.md). SIGINT/SIGTERM: drain, then exit 0."})
final class ClientCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "TOML config file.")
    Path config;

    @Option(names = "--server", paramLabel = "HOST:PORT", description = "The server's control address.")
    String server;

    @Mixin
    ServerAccessOptions access;

    @Option(names = "--tcp", paramLabel = "REMOTE_PORT:HOST:PORT", description = "Expose a local TCP service (repeatable).")
    List<String> tcp = new ArrayList<>();

    @Option(names = "--udp", paramLabel = "REMOTE_PORT:HOST:PORT", description = "Expose a local UDP service (repeatable).")
    List<String> udp = new ArrayList<>();

    @Option(names = "--http", paramLabel = "NAME:HOST:PORT", description = "Expose a local web app as NAME.DOMAIN (repeatable).")
    List<String> http = new ArrayList<>();

    @Option(names = "--tls", paramLabel = "NAME:HOST:PORT",
            description = "Expose a local TLS service as NAME.DOMAIN on the server's HTTPS port, passed through by its TLS"
                    + " server name: the service terminates TLS, the server never sees the plaintext (repeatable).")
    List<String> tls = new ArrayList<>();

    @Option(names = "--no-reconnect", description = "Exit (code 10) when the server cannot be reached, or (11) when the connection is lost, instead of retrying.")
    boolean noReconnect;

    @Mixin
    ObserveOptions observe;

    private final LogRing logs = new LogRing();

    @Override
    public Integer call() throws Exception {
        ClientSettings settings = settings();
        return ClientRun.run(settings, new ClientPrinter(System.out, settings, logs));
    }

    private ClientSettings settings() {
        try {
            ClientSettings.Builder b = ClientSettings.builder();
            ClientConfigLoader.apply(config, System.getenv(), b);
            if (server != null) {
                b.server(FlagValue.parse("--server", server, HostPort::parse));
            }
            access.applyTo(b);
            // Tunnel flags add to the config file's tunnels (docs/CONFIG.md); names must stay unique.
            tcp.forEach(t -> b.tunnel(FlagValue.parse("--tcp", t, TunnelFlags::tcp)));
            udp.forEach(t -> b.tunnel(FlagValue.parse("--udp", t, TunnelFlags::udp)));
            http.forEach(t -> b.tunnel(FlagValue.parse("--http", t, TunnelFlags::http)));
            tls.forEach(t -> b.tunnel(FlagValue.parse("--tls", t, TunnelFlags::tls)));
            if (noReconnect) {
                b.reconnect(false);
            }
            observe.applyTo(b.observe().logs(logs));
            ClientSettings s = b.build();
            if (s.tunnels().isEmpty() && s.observe().adminBind() == null) {
                throw new UsageException("no tunnels: give --tcp, --udp, --http or --tls, or [[tunnels]] in the config file"
                        + " (or --admin-bind, to open them later from the console)");
            }
            return s;
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
