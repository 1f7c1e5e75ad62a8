package io.loomtunnel.internal.cli;

import io.loomtunnel.client.ClientSettings;
import io.loomtunnel.internal.config.ClientConfigLoader;
import io.loomtunnel.internal.config.SavedServer;
import io.loomtunnel.internal.net.HostPort;
import io.loomtunnel.internal.net.Quoted;
import io.loomtunnel.internal.tunnel.TunnelFlags;
import io.loomtunnel.observe.LogRing;
import io.loomtunnel.tunnel.TunnelSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The quick commands, {@code loomtunnel http|tcp|udp [HOST:]PORT}: one tunnel through the server
 * {@code loomtunnel login} saved, as ngrok does it. The saved file is a client config file; the
 * environment and the client's flags override it, as they override {@code client --config}.
 */
abstract class QuickTunnelCommand implements Callable<Integer> {
    /** The one line a quick command without a server prints (exit code 2). */
    static final String NO_SERVER = "no server saved: run `loomtunnel login HOST[:PORT] --server-id ID --token-file FILE` once"
            + " (or give --server and --server-id)";

    /** The end of each quick command's --help. */
    static final String SAVE_ONCE = "Save a server once: loomtunnel login HOST --server-id ID --token-file FILE";
    static final String OVERRIDES = "Flags override what login saved. SIGINT/SIGTERM: drain, then exit 0.";

    @Parameters(index = "0", paramLabel = "[HOST:]PORT", description = "The local service: a port on localhost, or HOST:PORT.")
    String target;

    @Option(names = "--server", paramLabel = "HOST:PORT", description = "The server's control address (default: the one login saved).")
    String server;

    @Mixin
    ServerAccessOptions access;

    @Mixin
    ObserveOptions observe;

    @Mixin
    DashboardOptions dashboard;

    private final LogRing logs = new LogRing();

    /** This command's tunnel to {@code local} ({@code HOST:PORT}). */
    abstract TunnelSpec tunnel(String local);

    @Override
    public Integer call() throws Exception {
        DashboardOptions.Choice settings = settings(System.getenv());
        return ClientRun.run(settings, new QuickPrinter(System.out, settings.settings(), logs));
    }

    private DashboardOptions.Choice settings(Map<String, String> env) {
        Path saved = SavedServer.dir(env).resolve(SavedServer.CONFIG);
        boolean isSaved = Files.exists(saved);
        if (!isSaved && server == null && env.getOrDefault("LOOMTUNNEL_SERVER", "").isBlank()) {
            throw new UsageException(NO_SERVER);
        }
        try {
            ClientSettings.Builder b = ClientSettings.builder();
            ClientConfigLoader.apply(isSaved ? saved : null, env, b);
            b.tunnels(List.of()); // a quick command opens its one tunnel; the file's [[tunnels]] are for `client --config`
            if (server != null) {
                b.server(FlagValue.parse("--server", server, HostPort::parse));
            }
            access.applyTo(b);
            b.tunnel(tunnel(local(target)));
            observe.applyTo(b.observe().logs(logs));
            return dashboard.apply(b);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** {@code PORT} as {@code localhost:PORT}, else {@code HOST:PORT} checked. */
    static String local(String target) {
        String hostPort = HostPort.port(target, 1) > 0 ? "localhost:" + target : target;
        try {
            return HostPort.text(HostPort.parse(hostPort));
        } catch (IllegalArgumentException e) {
            throw new UsageException("the local service must be PORT or HOST:PORT, got " + Quoted.quote(target));
        }
    }

    @Command(name = "http", mixinStandardHelpOptions = true,
            description = "Expose a local web app at a public URL of the server that login saved.",
            footer = {"", "Examples:",
                    "  loomtunnel http 3000                  # at http://calm-otter-k7q2.DOMAIN",
                    "  loomtunnel http 127.0.0.1:8080 --host web     # at http://web.DOMAIN",
                    "", SAVE_ONCE, OVERRIDES})
    static final class Http extends QuickTunnelCommand {
        @Option(names = {"--host", "--name"}, paramLabel = "NAME",
                description = "Serve at NAME.DOMAIN, or at a full domain the server allows (default: a random readable name).")
        String host;

        @Override
        TunnelSpec tunnel(String local) {
            if (host != null && !HostPort.isDomain(host)) {
                throw new UsageException("--host must be NAME (served as NAME.DOMAIN) or a full domain, in lowercase, got " + Quoted.quote(host));
            }
            return TunnelFlags.http((host != null ? host : ReadableNames.next()) + ":" + local);
        }
    }

    /** {@code tcp} and {@code udp}: a public port of the server. */
    abstract static class Ported extends QuickTunnelCommand {
        /** Parses the client's flag for this type, {@code REMOTE_PORT:HOST:PORT}. */
        private final Function<String, TunnelSpec> flag;

        @Option(names = "--remote-port", paramLabel = "PORT", description = "The server's public port (default: one the server picks).")
        int remotePort;

        Ported(Function<String, TunnelSpec> flag) {
            this.flag = flag;
        }

        @Override
        TunnelSpec tunnel(String local) {
            if (remotePort < 0 || remotePort > 65_535) {
                throw new UsageException("--remote-port must be 0 (the server picks) to 65535, got " + remotePort);
            }
            return flag.apply(remotePort + ":" + local);
        }
    }

    @Command(name = "tcp", mixinStandardHelpOptions = true,
            description = "Expose a local TCP service at a public port of the server that login saved.",
            footer = {"", "Examples:",
                    "  loomtunnel tcp 22                     # at SERVER:PORT, the port picked",
                    "  loomtunnel tcp 5432 --remote-port 15432",
                    "", SAVE_ONCE, OVERRIDES})
    static final class Tcp extends Ported {
        Tcp() {
            super(TunnelFlags::tcp);
        }
    }

    @Command(name = "udp", mixinStandardHelpOptions = true,
            description = "Expose a local UDP service at a public port of the server that login saved.",
            footer = {"", "Examples:",
                    "  loomtunnel udp 53                     # at SERVER:PORT, the port picked",
                    "  loomtunnel udp 127.0.0.1:51820 --remote-port 51820",
                    "", SAVE_ONCE, OVERRIDES})
    static final class Udp extends Ported {
        Udp() {
            super(TunnelFlags::udp);
        }
    }
}
