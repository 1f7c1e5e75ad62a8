package io.loomtunnel.observe;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

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
 */
public record ObserveSettings(
        MeterRegistry registry,
        InetSocketAddress adminBind,
        String adminToken,
        Path metricsJson,
        Duration interval,
        URI otlpEndpoint,
        LogRing logs) {

    /**
     * Checks the interval (above zero), the token (not blank), that an admin endpoint off loopback has a token, and the OTLP URL.
     */
    public ObserveSettings {
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("metrics interval must be above zero");
        }
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

    private static boolean isLoopback(InetSocketAddress a) {
        return !a.isUnresolved() && a.getAddress().isLoopbackAddress();
    }

    /** Builds ObserveSettings; everything is off by default, the interval is 10 s. */
    public static final class Builder {
        private MeterRegistry registry;
        private InetSocketAddress adminBind;
        private String adminToken;
        private Path metricsJson;
        private Duration interval = Duration.ofSeconds(10);
        private URI otlpEndpoint;
        private LogRing logs;

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
         * Builds the settings.
         *
         * @return the settings
         * @throws IllegalArgumentException as {@link ObserveSettings} checks
         */
        public ObserveSettings build() {
            return new ObserveSettings(registry, adminBind, adminToken, metricsJson, interval, otlpEndpoint, logs);
        }
    }
}
