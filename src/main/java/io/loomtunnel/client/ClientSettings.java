package io.loomtunnel.client;

import io.loomtunnel.observe.ObserveSettings;
import io.loomtunnel.plugin.PluginSettings;
import io.loomtunnel.plugin.PolicySpec;
import io.loomtunnel.session.SessionOptions;
import io.loomtunnel.tls.PeerId;
import io.loomtunnel.tunnel.TunnelSpec;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything a tunnel client needs: which server (pinned by id), its credentials, and its tunnels.
 * Build one with {@link #builder()}; the CLI and the TOML loader build the same object.
 *
 * @param server the server's control address (host names are resolved at each connect)
 * @param serverId the server's key id; the TLS handshake fails for any other key
 * @param token the shared secret, or null when the server knows our key instead
 * @param keyFile our identity key (created if missing), or null for a fresh key each run
 * @param tunnels the tunnels to register, unique by name
 * @param reconnect when the server cannot be reached (at the first start too) or the connection is lost,
 *     try again with backoff (else exit)
 * @param backoffMin first delay before reconnecting
 * @param backoffMax longest delay between reconnect attempts
 * @param session TLS and multiplexer settings
 * @param observe metrics registry, admin endpoint, JSON snapshots, OTLP (docs/METRICS.md)
 * @param plugins the custom plugin directory and the tunnels' policies (docs/PLUGINS.md): built-in
 *     ones travel with the tunnel's registration to the server, custom ones run on this client
 */
public record ClientSettings(
        InetSocketAddress server,
        PeerId serverId,
        String token,
        Path keyFile,
        List<TunnelSpec> tunnels,
        boolean reconnect,
        Duration backoffMin,
        Duration backoffMax,
        SessionOptions session,
        ObserveSettings observe,
        PluginSettings plugins) {

    /** Checks the settings: a server address and id, unique tunnel names, 0 &lt; backoffMin &lt;= backoffMax. */
    public ClientSettings {
        if (server == null) {
            throw new IllegalArgumentException("no server address");
        }
        if (serverId == null) {
            throw new IllegalArgumentException("no server id: the client pins the server's key id (loomtunnel id --key on the server)");
        }
        tunnels = List.copyOf(tunnels);
        Set<String> names = new HashSet<>();
        for (TunnelSpec t : tunnels) {
            if (!names.add(t.name())) {
                throw new IllegalArgumentException("two tunnels are named '" + t.name() + "'");
            }
        }
        Objects.requireNonNull(plugins, "plugins");
        for (String t : plugins.tunnels().keySet()) {
            if (!names.contains(t)) {
                throw new IllegalArgumentException("policies are declared for a tunnel named '" + t + "', which there is not");
            }
        }
        if (backoffMin.isNegative() || backoffMin.isZero() || backoffMax.compareTo(backoffMin) < 0) {
            throw new IllegalArgumentException("reconnect backoff must satisfy 0 < min <= max");
        }
    }

    /**
     * A builder for a client of {@code server}, whose key must have id {@code serverId}.
     *
     * @param server the server's control address
     * @param serverId the server's key id (loomtunnel id on the server prints it)
     * @return a builder with the defaults: no token, a fresh key, no tunnels, reconnecting
     */
    public static Builder builder(InetSocketAddress server, PeerId serverId) {
        return new Builder().server(server).serverId(serverId);
    }

    /**
     * A builder without server address and id yet, for layering config file, environment and flags.
     *
     * @return a builder with the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds ClientSettings; server address and id are required (checked by build()), the rest has defaults. */
    public static final class Builder {
        private InetSocketAddress server;
        private PeerId serverId;
        private String token;
        private Path keyFile;
        private final List<TunnelSpec> tunnels = new ArrayList<>();
        private boolean reconnect = true;
        private Duration backoffMin = Duration.ofMillis(500);
        private Duration backoffMax = Duration.ofSeconds(30);
        private SessionOptions session = SessionOptions.defaults();
        private final ObserveSettings.Builder observe = ObserveSettings.builder();
        private Path pluginDirectory;
        private List<PolicySpec> policies = List.of();
        private final Map<String, List<PolicySpec>> tunnelPolicies = new LinkedHashMap<>();

        private Builder() {}

        /**
         * The server's control address.
         *
         * @param a host and port; a host name is resolved at each connect
         * @return this builder
         */
        public Builder server(InetSocketAddress a) { server = a; return this; }
        /**
         * The server's key id: the handshake fails for any other key.
         *
         * @param id the id to pin
         * @return this builder
         */
        public Builder serverId(PeerId id) { serverId = id; return this; }
        /**
         * The shared secret the server expects; leave it out when the server knows this client's key.
         *
         * @param t the token
         * @return this builder
         */
        public Builder token(String t) { token = t; return this; }
        /**
         * This client's identity key, created if missing; without one a fresh key is made each run.
         *
         * @param p the key file
         * @return this builder
         */
        public Builder keyFile(Path p) { keyFile = p; return this; }
        /**
         * Adds a tunnel to register.
         *
         * @param t the tunnel; names are unique per client
         * @return this builder
         */
        public Builder tunnel(TunnelSpec t) { tunnels.add(t); return this; }
        /**
         * Replaces every tunnel given so far.
         *
         * @param ts the tunnels to register
         * @return this builder
         */
        public Builder tunnels(List<TunnelSpec> ts) { tunnels.clear(); tunnels.addAll(ts); return this; }
        /**
         * Whether to try again, with backoff, when the server cannot be reached (from the first attempt
         * on) or the connection is lost (the default), or to exit. Refused credentials and a server key
         * other than the pinned one end the client either way.
         *
         * @param r true to reconnect
         * @return this builder
         */
        public Builder reconnect(boolean r) { reconnect = r; return this; }
        /**
         * The delays between reconnect attempts: from {@code min}, doubling up to {@code max}.
         *
         * @param min the first delay, above zero
         * @param max the longest delay, at least {@code min}
         * @return this builder
         */
        public Builder backoff(Duration min, Duration max) { backoffMin = min; backoffMax = max; return this; }
        /**
         * TLS and multiplexer settings.
         *
         * @param s the options
         * @return this builder
         */
        public Builder session(SessionOptions s) { session = s; return this; }
        /**
         * Metrics and admin settings, set in place: {@code b.observe().adminBind(...)}.
         *
         * @return the observation settings' builder, part of this one
         */
        public ObserveSettings.Builder observe() { return observe; }

        /**
         * The directory whose jars hold custom policy providers (docs/PLUGINS.md).
         *
         * @param dir the directory, or null for none
         * @return this builder
         */
        public Builder pluginDirectory(Path dir) { pluginDirectory = dir; return this; }
        /**
         * Policies of every tunnel, run before each tunnel's own.
         *
         * @param list the policies in order
         * @return this builder
         */
        public Builder policies(List<PolicySpec> list) { policies = List.copyOf(list); return this; }
        /**
         * One tunnel's policies.
         *
         * @param tunnel the tunnel's name
         * @param list the policies in order
         * @return this builder
         */
        public Builder tunnelPolicies(String tunnel, List<PolicySpec> list) { tunnelPolicies.put(tunnel, List.copyOf(list)); return this; }

        /**
         * Builds the settings.
         *
         * @return the settings
         * @throws IllegalArgumentException when the server address or id is missing, or a setting is out of range
         */
        public ClientSettings build() {
            return new ClientSettings(server, serverId, token, keyFile, tunnels, reconnect, backoffMin, backoffMax, session, observe.build(),
                    new PluginSettings(pluginDirectory, policies, tunnelPolicies));
        }
    }
}
