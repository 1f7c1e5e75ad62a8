package io.loomtunnel.internal.cli;

import io.loomtunnel.internal.config.TokenFile;
import io.loomtunnel.internal.net.HostPort;
import io.loomtunnel.observe.ObserveSettings;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The flags server, client, share and connect share for metrics and the admin endpoint (docs/METRICS.md); a picocli mixin. */
final class ObserveOptions {
    @Option(names = "--admin-bind", paramLabel = "HOST:PORT",
            description = "Serve /metrics, /api/status, the console's actions and the dashboard here, e.g. 127.0.0.1:9090"
                    + " (off by default; a client serves its dashboard on 127.0.0.1:4040 unless --no-dashboard).")
    String adminBind;

    @Option(names = "--admin-token-file", paramLabel = "FILE",
            description = "Bearer token the admin endpoint requires (mode 0600; or LOOMTUNNEL_ADMIN_TOKEN); needed off loopback.")
    Path adminTokenFile;

    @Option(names = "--metrics-json", paramLabel = "FILE", description = "Append a JSON snapshot of status and meters to FILE.")
    Path metricsJson;

    @Option(names = "--metrics-interval", paramLabel = "TIME", converter = DurationConverter.class,
            description = "How often --metrics-json is written and OTLP pushes (default 10s).")
    Duration metricsInterval;

    @Option(names = "--otlp-endpoint", paramLabel = "URL",
            description = "Push meters over OTLP/HTTP, e.g. http://127.0.0.1:4318/v1/metrics.")
    String otlpEndpoint;

    /** Sets what was given on the command line; the rest keeps the config file's and environment's values. */
    void applyTo(ObserveSettings.Builder b) {
        if (adminBind != null) {
            b.adminBind(FlagValue.parse("--admin-bind", adminBind, HostPort::parseBind));
        }
        if (adminTokenFile != null) {
            b.adminToken(TokenFile.read(adminTokenFile));
        }
        if (metricsJson != null) {
            b.metricsJson(metricsJson);
        }
        if (metricsInterval != null) {
            b.interval(metricsInterval);
        }
        if (otlpEndpoint != null) {
            b.otlpEndpoint(FlagValue.parse("--otlp-endpoint", otlpEndpoint, ObserveSettings::otlpUrl));
        }
    }

    /**
     * For commands without a config file (share, connect): LOOMTUNNEL_ADMIN_TOKEN, then the flags
     * over it, as a config file's settings are taken for server and client.
     */
    void applyWithEnvironment(ObserveSettings.Builder b) {
        String token = System.getenv().getOrDefault("LOOMTUNNEL_ADMIN_TOKEN", "").strip();
        if (!token.isEmpty()) {
            b.adminToken(token);
        }
        applyTo(b);
    }

    /** The line a server, client, share or connect prints when its admin endpoint is up. */
    static String adminLine(java.net.InetSocketAddress admin) {
        return "admin       http://" + FlagValue.address(admin) + "/  (loomtunnel status --admin http://"
                + FlagValue.address(admin) + ")";
    }
}
