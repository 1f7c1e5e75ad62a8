package io.loomtunnel.observe;

import io.loomtunnel.internal.net.HostPort;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * How a server or client can be watched (docs/METRICS.md): where its metrics go besides our own
 * Prometheus registry, the admin HTTP endpoint, a JSON snapshot file and OTLP export. Everything
 * is off by default except the meters themselves.
 *
 * @param registry the application's own registry to publish to as well, or null
 * @param adminBind where the admin endpoint listens, or null for none
 * @param adminToken the bearer token the admin endpoint requires, or null for none (loopback only)
 * @param metricsJson a file to append a JSON snapshot to every {@code interval}, or null
 * @param interval how often the JSON snapshot is written and OTLP pushes
 * @param otlpEndpoint an OTLP/HTTP metrics URL (e.g. http://127.0.0.1:4318/v1/metrics), or null
 * @param logs where recent log lines are kept for {@code /api/logs} (the CLI's printers fill it), or null for none
 * @param adminAllowedHosts host names the admin endpoint answers besides localhost and its IP literals (docs/SECURITY.md)
 * @param adminAuthFailPenalty how much penalty a wrong admin token adds to its source address
 * @param adminPenaltyLimit once a source's penalty reaches this, the admin endpoint refuses it until the penalty ran out
 */
public record ObserveSettings(
        MeterRegistry registry,
        InetSocketAddress adminBind,
        String adminToken,
        Path metricsJson,
        Duration interval,
        URI otlpEndpoint,
        LogRing logs,
        List<String> adminAllowedHosts,
        Duration adminAuthFailPenalty,
        Duration adminPenaltyLimit) {

    /**
     * Checks the interval and penalties (above zero), the token (not blank), that an admin endpoint off loopback has a
     * token, the allowed host names (DNS names, kept in lower case) and the OTLP URL.
     */
    public ObserveSettings {
        requirePositive("admin auth fail penalty", adminAuthFailPenalty);
        requirePositive("admin penalty limit", adminPenaltyLimit);
        adminAllowedHosts = adminAllowedHosts.stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).toList();
        for (String h : adminAllowedHosts) {
            if (!HostPort.isDomain(h)) {
                throw new IllegalArgumentException("admin allowed host must be a DNS name like admin.example.org, got '" + h + "'");
            }
        }
        requirePositive("metrics interval", interval);
        if (adminToken != null && adminToken.isBlank()) {
            throw new IllegalArgumentException("admin token is blank");
        }
        if (adminBind != null && adminToken == null && !isLoopback(adminBind)) {
            throw new IllegalArgumentException("admin endpoint on " + adminBind.getHostString() + ":" + adminBind.getPort()
                    + " is reachable from other machines: give it a token (--admin-token-file or [admin] token_file)"
                    + " or bind it to 127.0.0.1");
        }
        if (otlpEndpoint != null) {
            otlpUrl(otlpEndpoint.toString());
        }
    }

    /**
     * A builder with everything off and a 10 s interval.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Parses an OTLP endpoint: an http:// or https:// URL with a host.
     *
     * @param text the URL
     * @return the URL
     * @throws IllegalArgumentException when it is not an http or https URL with a host
     */
    public static URI otlpUrl(String text) {
        try {
            URI u = new URI(text);
            if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null) {
                return u;
            }
        } catch (java.net.URISyntaxException e) {
            // said below
        }
        throw new IllegalArgumentException("must be an http:// or https:// URL, got '" + text + "'");
    }

    private static void requirePositive(String what, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be above zero");
        }
    }

    private static boolean isLoopback(InetSocketAddress a) {
        return !a.isUnresolved() && a.getAddress().isLoopbackAddress();
    }

    /** Builds ObserveSettings; everything is off by default, the interval is 10 s, admin penalties 5 s up to 15 s. */
    public static final class Builder {
        private MeterRegistry registry;
        private InetSocketAddress adminBind;
        private String adminToken;
        private Path metricsJson;
        private Duration interval = Duration.ofSeconds(10);
        private URI otlpEndpoint;
        private LogRing logs;
        private List<String> adminAllowedHosts = List.of();
        private Duration adminAuthFailPenalty = Duration.ofSeconds(5);
        private Duration adminPenaltyLimit = Duration.ofSeconds(15);

        private Builder() {}

        /**
         * An application registry the meters are published to as well.
         *
         * @param r the registry, or null
         * @return this builder
         */
        public Builder registry(MeterRegistry r) { registry = r; return this; }
        /**
         * Where the admin endpoint listens (docs/METRICS.md).
         *
         * @param a the address, or null for no endpoint
         * @return this builder
         */
        public Builder adminBind(InetSocketAddress a) { adminBind = a; return this; }
        /**
         * The bearer token the admin endpoint requires; needed off loopback.
         *
         * @param t the token, or null
         * @return this builder
         */
        public Builder adminToken(String t) { adminToken = t; return this; }
        /**
         * A file to append a JSON snapshot to every interval.
         *
         * @param p the file, or null
         * @return this builder
         */
        public Builder metricsJson(Path p) { metricsJson = p; return this; }
        /**
         * How often the JSON snapshot is written and OTLP pushes.
         *
         * @param d above zero
         * @return this builder
         */
        public Builder interval(Duration d) { interval = d; return this; }
        /**
         * An OTLP/HTTP metrics URL to push to; the OTLP registry is loaded only then.
         *
         * @param u the URL, or null
         * @return this builder
         */
        public Builder otlpEndpoint(URI u) { otlpEndpoint = u; return this; }
        /**
         * Where recent log lines are kept for the admin endpoint.
         *
         * @param l the ring, or null
         * @return this builder
         */
        public Builder logs(LogRing l) { logs = l; return this; }
        /**
         * Host names the admin endpoint answers besides localhost and its IP literals, for an endpoint reached by name.
         *
         * @param names DNS names
         * @return this builder
         */
        public Builder adminAllowedHosts(List<String> names) { adminAllowedHosts = List.copyOf(names); return this; }
        /**
         * How much penalty a wrong admin token adds to its source address (default 5 s).
         *
         * @param d above zero
         * @return this builder
         */
        public Builder adminAuthFailPenalty(Duration d) { adminAuthFailPenalty = d; return this; }
        /**
         * Once a source's penalty reaches this, the admin endpoint refuses it until the penalty ran out (default 15 s).
         *
         * @param d above zero
         * @return this builder
         */
        public Builder adminPenaltyLimit(Duration d) { adminPenaltyLimit = d; return this; }

        /**
         * Builds the settings.
         *
         * @return the settings
         * @throws IllegalArgumentException as {@link ObserveSettings} checks
         */
        public ObserveSettings build() {
            return new ObserveSettings(registry, adminBind, adminToken, metricsJson, interval, otlpEndpoint, logs,
                    adminAllowedHosts, adminAuthFailPenalty, adminPenaltyLimit);
        }
    }
}
