package io.loomtunnel.internal.cli;

import io.loomtunnel.internal.console.AdminClient;
import io.loomtunnel.internal.console.LiveView;
import io.loomtunnel.internal.console.StatusView;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code loomtunnel status}: a running server's, client's, share's or connect's sessions and tunnels, from its admin endpoint. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the sessions and tunnels of a running server, client, share or connect (RTT, throughput, bytes, uptime).",
        footer = {"", "Examples:",
                "  loomtunnel status                  # the endpoint at 127.0.0.1:9090",
                "  loomtunnel status --admin 127.0.0.1:9191 --json   # as given to --admin-bind",
                "  loomtunnel status --admin 9191     # a port on 127.0.0.1",
                "  loomtunnel status --watch --interval 2s",
                "  loomtunnel status --login-link     # a one-time link that lets a browser in",
                "", "The server, client, share or connect must run with --admin-bind. Exit codes: 0 ok,"
                + " 3 token missing or wrong, 10 no admin endpoint there (nothing answers, or what answers"
                + " is not one: a wrong port, another web server), 1 it answered with an error."})
final class StatusCommand implements Callable<Integer> {
    @Mixin
    AdminOptions admin;

    @Option(names = "--json", description = "Print the status as the endpoint sends it (docs/METRICS.md).")
    boolean json;

    @Option(names = "--watch", description = "Refresh in place until a key is pressed or Ctrl-C.")
    boolean watch;

    @Option(names = "--login-link",
            description = "Print a one-time link (valid 2 minutes) that lets a browser into the admin endpoint (docs/SECURITY.md).")
    boolean loginLink;

    @Option(names = "--interval", paramLabel = "TIME", converter = DurationConverter.class, defaultValue = "2s",
            description = "Time between refreshes with --watch (default ${DEFAULT-VALUE}).")
    Duration interval;

    @Override
    public Integer call() throws Exception {
        AdminClient client = admin.client();
        if (loginLink) {
            System.out.println(client.loginLink());
        } else if (watch) {
            if (interval.isZero()) {
                throw new UsageException("--interval must be above zero");
            }
            LiveView.onSystemTerminal(() -> json ? client.statusJson() + "\n" : StatusView.full(client.status()), interval);
        } else {
            System.out.print(json ? client.statusJson() + "\n" : StatusView.full(client.status()));
        }
        return ExitCode.OK;
    }
}
