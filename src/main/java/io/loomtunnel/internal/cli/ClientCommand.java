package io.loomtunnel.internal.cli;

import io.loomtunnel.client.ClientSettings;
import io.loomtunnel.client.TunnelClient;
import io.loomtunnel.internal.config.ByteSizes;
import io.loomtunnel.internal.config.ClientConfigLoader;
import io.loomtunnel.internal.net.HostPort;
import io.loomtunnel.internal.tunnel.TunnelFlags;
import io.loomtunnel.plugin.PolicySpec;
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
    /** What a bare --no-inspect stands for: no tunnel is captured. */
    private static final String ALL = "*";

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

    @Option(names = "--basic-auth", paramLabel = "[NAME=]FILE",
            description = "Ask visitors of tunnel NAME (default: every tunnel) for a user and password of this htpasswd file (bcrypt, htpasswd -B) (repeatable).")
    List<String> basicAuth = new ArrayList<>();

    @Option(names = "--allow-cidr", paramLabel = "[NAME=]CIDR[,CIDR...]",
            description = "Let only visitors from these networks reach tunnel NAME (default: every tunnel) (repeatable).")
    List<String> allowCidr = new ArrayList<>();

    @Option(names = "--deny-cidr", paramLabel = "[NAME=]CIDR[,CIDR...]",
            description = "Refuse visitors from these networks at tunnel NAME (default: every tunnel) (repeatable).")
    List<String> denyCidr = new ArrayList<>();

    @Option(names = "--proxy-protocol", paramLabel = "[NAME=]v1|v2",
            description = "Send the TCP tunnel's local service a PROXY protocol header with the visitor's address first.")
    List<String> proxyProtocol = new ArrayList<>();

    @Option(names = "--tls", paramLabel = "NAME:HOST:PORT",
            description = "Expose a local TLS service as NAME.DOMAIN on the server's HTTPS port, passed through by its TLS"
                    + " server name: the service terminates TLS, the server never sees the plaintext (repeatable).")
    List<String> tls = new ArrayList<>();

    @Option(names = "--h2c", paramLabel = "NAME",
            description = "The local service of http tunnel NAME speaks HTTP/2 without TLS (h2c), as gRPC services do, not HTTP/1.1 (repeatable).")
    List<String> h2c = new ArrayList<>();

    @Option(names = "--no-reconnect", description = "Exit (code 10) when the server cannot be reached, or (11) when the connection is lost, instead of retrying.")
    boolean noReconnect;

    @Option(names = "--no-inspect", arity = "0..1", paramLabel = "NAME", fallbackValue = ALL,
            description = "Leave http tunnel NAME out of the request inspector (repeatable); without NAME, capture nothing.")
    List<String> noInspect = new ArrayList<>();

    @Option(names = "--inspect-body-cap", paramLabel = "SIZE",
            description = "Bytes kept of each request and response body by the inspector, like 64KiB (the default) or 1MiB; 0 keeps heads only.")
    String inspectBodyCap;

    @Option(names = "--inspect-unmask", description = "Show Authorization, Cookie and Set-Cookie values in the inspector instead of masking them.")
    boolean inspectUnmask;
    @Option(names = "--plugins", paramLabel = "DIR",
            description = "Directory of custom policy plugin jars, run on this client before the local service (docs/PLUGINS.md).")
    Path plugins;

    @Mixin
    ObserveOptions observe;

    @Mixin
    DashboardOptions dashboard;

    private final LogRing logs = new LogRing();

    @Override
    public Integer call() throws Exception {
        DashboardOptions.Choice settings = settings();
        return ClientRun.run(settings, new ClientPrinter(System.out, settings.settings(), logs));
    }

    DashboardOptions.Choice settings() {
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
            h2c.forEach(b::h2c);
            noInspect.forEach(name -> {
                if (name.equals(ALL)) {
                    b.inspect(false);
                } else {
                    b.noInspect(name);
                }
            });
            if (inspectBodyCap != null) {
                b.inspectBodyCap(FlagValue.parse("--inspect-body-cap", inspectBodyCap,
                        v -> ByteSizes.parse(v, ClientConfigLoader.MAX_BODY_CAP)));
            }
            if (inspectUnmask) {
                b.inspectUnmask(true);
            }
            if (plugins != null) {
                b.pluginDirectory(plugins);
            }
            observe.applyTo(b.observe().logs(logs));
            policyFlags(b);
            DashboardOptions.Choice s = dashboard.apply(b);
            if (s.settings().tunnels().isEmpty() && s.settings().observe().adminBind() == null) {
                throw new UsageException("no tunnels: give --tcp, --udp, --http or --tls, or [[tunnels]] in the config file"
                        + " (or leave out --no-dashboard, to open them later from the dashboard or console)");
            }
            return s;
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** Adds the short policy flags' policies after each tunnel's own (docs/CONFIG.md, "Policy flags"). */
    private void policyFlags(ClientSettings.Builder b) {
        if (denyCidr.isEmpty() && allowCidr.isEmpty() && basicAuth.isEmpty() && proxyProtocol.isEmpty()) {
            return;
        }
        ClientSettings s = b.build();
        PolicyFlags flags = new PolicyFlags(s.tunnels().stream().map(t -> t.name()).toList());
        denyCidr.forEach(flags::denyCidr);
        allowCidr.forEach(flags::allowCidr);
        basicAuth.forEach(flags::basicAuth);
        proxyProtocol.forEach(flags::proxyProtocol);
        flags.byTunnel().forEach((tunnel, added) -> {
            List<PolicySpec> all = new ArrayList<>(s.plugins().tunnels().getOrDefault(tunnel, List.of()));
            all.addAll(added);
            b.tunnelPolicies(tunnel, all);
        });
    }
}
