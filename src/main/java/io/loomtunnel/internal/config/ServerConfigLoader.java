package io.loomtunnel.internal.config;

import io.loomtunnel.internal.tunnel.HostPatterns;
import io.loomtunnel.server.HttpsSettings;
import io.loomtunnel.server.RelaySettings;
import io.loomtunnel.server.ServerSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Applies a server's TOML config file, then its LOOMTUNNEL_* environment, to a ServerSettings builder (docs/CONFIG.md). */
public final class ServerConfigLoader {
    private static final int MAX = Integer.MAX_VALUE;

    private static final Keys<ServerSettings.Builder> KEYS = ObserveKeys.addTo(new Keys<ServerSettings.Builder>()
            .key("bind", (b, v) -> b.bind(v.bindAddress()))
            .key("key", (b, v) -> b.keyFile(v.path()))
            .key("tokens_file", (b, v) -> b.tokens(v.fromFile(GrantFile::readTokens)))
            .key("authorized_keys_file", (b, v) -> b.authorizedKeys(v.fromFile(GrantFile::readKeys)))
            .key("open_access", (b, v) -> b.openAccess(v.bool()))
            .key("allow_ports", (b, v) -> b.allowPorts(v.ports()))
            .key("allow_hosts", (b, v) -> b.allowHosts(hostPatterns(v)))
            .key("http_bind", (b, v) -> b.httpBind(v.bindAddress()))
            .key("domain", (b, v) -> b.domain(v.domain()))
            .key("plugins", (b, v) -> b.pluginDirectory(v.path()))
            .fileOnly("policies", (b, v) -> b.policies(v.policies()))
            .key("https_bind", (b, v) -> b.https().bind(v.bindAddress()))
            .fileOnly("https.certificates", (b, v) -> b.https().certificates(pems(v)))
            .key("https.redirect", (b, v) -> b.https().redirectStatus(v.parsed(HttpsSettings::parseRedirect)))
            .key("https.hsts", (b, v) -> b.https().hsts(v.string()))
            .key("https.allow_tls12", (b, v) -> b.https().allowTls12(v.bool()))
            .key("acme.directory", (b, v) -> b.https().acmeDirectory(v.httpUrl()))
            .key("acme.email", (b, v) -> b.https().acmeEmail(v.string()))
            .key("acme.ca", (b, v) -> b.https().acmeCa(v.path()))
            .key("acme.challenge", (b, v) -> b.https().acmeChallenge(v.string()))
            .key("acme.hosts", (b, v) -> b.https().acmeHosts(v.domains()))
            .key("acme.state_dir", (b, v) -> b.https().acmeStateDir(v.path()))
            .key("http.header_timeout", (b, v) -> b.httpLimits().headerTimeout(v.duration()))
            .key("http.max_head_bytes", (b, v) -> b.httpLimits().maxHeadBytes(v.integer(256, MAX)))
            .key("http.idle_timeout", (b, v) -> b.httpLimits().idleTimeout(v.duration()))
            .key("http.body_buffer_bytes", (b, v) -> b.httpLimits().bodyBufferBytes(v.integer(0, MAX)))
            .key("http.body_timeout", (b, v) -> b.httpLimits().bodyTimeout(v.duration()))
            .key("http.send_timeout", (b, v) -> b.httpLimits().sendTimeout(v.duration()))
            .key("http.min_body_rate", (b, v) -> b.httpLimits().minBodyRate(v.integer(1, MAX)))
            .key("http.upstream_timeout", (b, v) -> b.httpLimits().upstreamTimeout(v.duration()))
            .key("http.max_connections_per_source", (b, v) -> b.httpLimits().maxConnectionsPerSource(v.integer(1, MAX)))
            .key("limits.max_clients", (b, v) -> b.maxClients(v.integer(1, MAX)))
            .key("limits.max_tunnels_per_client", (b, v) -> b.maxTunnelsPerClient(v.integer(1, MAX)))
            .key("limits.max_streams_per_client", (b, v) -> b.maxStreamsPerClient(v.integer(1, MAX)))
            .key("limits.udp_idle_timeout", (b, v) -> b.udpIdleTimeout(v.duration()))
            .key("limits.relay_max_per_peer", (b, v) -> b.relayMaxPerPeer(v.integer(0, MAX)))
            .key("limits.relay_bytes_per_second", (b, v) -> b.relayRatePerPeer(v.integer((int) RelaySettings.MIN_RATE, MAX)))
            // Tunnels and shared resources (docs/SECURITY.md), with allow_hosts:
            .key("limits.tcp_idle_timeout", (b, v) -> b.tcpIdleTimeout(v.duration()))
            .key("limits.max_connections_per_source", (b, v) -> b.maxConnectionsPerSource(v.integer(1, MAX)))
            .key("limits.udp_max_flows", (b, v) -> b.udpMaxFlows(v.integer(1, MAX)))
            .key("limits.udp_max_flows_per_source", (b, v) -> b.udpMaxFlowsPerSource(v.integer(1, MAX)))
            .key("limits.max_offers_per_principal", (b, v) -> b.maxOffersPerPrincipal(v.integer(1, MAX)))
            .key("limits.http_host_hold", (b, v) -> b.httpHostHold(v.duration()))
            .key("control.max_setups", (b, v) -> b.setupLimits().maxSetups(v.integer(1, MAX)))
            .key("control.max_setups_per_source", (b, v) -> b.setupLimits().maxSetupsPerSource(v.integer(1, MAX)))
            .key("control.first_byte_timeout", (b, v) -> b.setupLimits().firstByteTimeout(v.duration()))
            .key("control.failures_before_penalty", (b, v) -> b.setupLimits().failuresBeforePenalty(v.integer(0, MAX)))
            .key("control.penalty", (b, v) -> b.setupLimits().penalty(v.duration()))
            .key("control.max_sources", (b, v) -> b.setupLimits().maxSources(v.integer(1, MAX)))
            .key("control.report_interval", (b, v) -> b.setupLimits().reportInterval(v.duration())),
            ServerSettings.Builder::observe);

    private ServerConfigLoader() {}

    /** {@code [[https.certificates]]}: each a {@code certificate} PEM file and its {@code key} (default: the same file). */
    private static List<HttpsSettings.Pem> pems(Value v) {
        List<HttpsSettings.Pem> out = new java.util.ArrayList<>();
        for (Value table : v.tables()) {
            Path[] files = new Path[2];
            table.applyTable(new Keys<Path[]>()
                    .key("certificate", (f, x) -> f[0] = x.path())
                    .key("key", (f, x) -> f[1] = x.path()), files);
            if (files[0] == null) {
                throw table.error("certificate", "is missing (the PEM chain, leaf first)");
            }
            out.add(new HttpsSettings.Pem(files[0], files[1] == null ? files[0] : files[1]));
        }
        return out;
    }

    /** A comma-separated list of HTTP host patterns ({@link HostPatterns}). */
    private static List<String> hostPatterns(Value v) {
        try {
            return HostPatterns.parseList(v.string());
        } catch (IllegalArgumentException e) {
            throw v.error("must be host patterns like web,*.example.org: " + e.getMessage());
        }
    }

    /**
     * Sets on {@code builder} what the file {@code tomlOrNull} (if not null) and then {@code env}
     * give, so the environment wins; keys given in neither keep the builder's values.
     *
     * @throws ConfigException naming the file or variable and the key
     */
    public static void apply(Path tomlOrNull, Map<String, String> env, ServerSettings.Builder builder) {
        if (tomlOrNull != null) {
            applyToml(tomlOrNull, ConfigFiles.read(tomlOrNull), builder);
        }
        ObserveKeys.applyEnv(KEYS, env, builder, builder.observe());
    }

    static void applyToml(Path file, byte[] content, ServerSettings.Builder builder) {
        KEYS.apply(file, "", ConfigFiles.toml(file, content), builder);
    }
}
