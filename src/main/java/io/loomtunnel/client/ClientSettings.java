package io.loomtunnel.client;

import io.loomtunnel.observe.ObserveSettings;
import io.loomtunnel.plugin.PluginSettings;
import io.loomtunnel.plugin.PolicySpec;
import io.loomtunnel.session.SessionOptions;
import io.loomtunnel.tls.PeerId;
import io.loomtunnel.tunnel.TunnelSpec;
import io.loomtunnel.tunnel.TunnelType;
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
 * @param inspection what the request inspector captures of the HTTP tunnels (docs/DASHBOARD.md, "Inspector")
 * @param plugins the custom plugin directory and the tunnels' policies (docs/PLUGINS.md): built-in
 *     ones travel with the tunnel's registration to the server, custom ones run on this client
 * @param h2cTunnels names of HTTP tunnels whose local service speaks HTTP/2 with prior knowledge (h2c),
 *     as gRPC services do: the client sends it each request as a stream of an h2c connection (docs/HTTP.md, "gRPC")
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
        Inspection inspection,
        PluginSettings plugins,
        Set<String> h2cTunnels) {

    /**
     * Checks the settings: a server address and id, unique tunnel names, 0 &lt; backoffMin &lt;= backoffMax,
     * h2c tunnels that are HTTP tunnels without passthrough; no inspection given is the default one, no h2c tunnels none.
     */
    public ClientSettings {
        if (server == null) {
            throw new IllegalArgumentException("no server address");
        }
        if (serverId == null) {
            throw new IllegalArgumentException("no server id: the client pins the server's key id (loomtunnel id --key on the server)");
        }
        tunnels = List.copyOf(tunnels);
        if (inspection == null) {
            inspection = new Inspection(true, Set.of(), Inspection.DEFAULT_BODY_CAP, false);
        }
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
        h2cTunnels = h2cTunnels == null ? Set.of() : Set.copyOf(h2cTunnels);
        for (String t : h2cTunnels) {
            if (tunnels.stream().noneMatch(spec -> spec.name().equals(t) && spec.type() == TunnelType.HTTP && !spec.passthrough())) {
                throw new IllegalArgumentException("h2c is set for '" + t + "', which is not an http tunnel of this client"
                        + " (TLS passthrough tunnels excluded)");
            }
        }
        if (backoffMin.isNegative() || backoffMin.isZero() || backoffMax.compareTo(backoffMin) < 0) {
            throw new IllegalArgumentException("reconnect backoff must satisfy 0 < min <= max");
        }
    }

    /**
     * What the request inspector captures of the HTTP tunnels' requests and responses, shown on the
     * admin endpoint's {@code /api/requests} (docs/DASHBOARD.md, "Inspector").
     *
     * @param enabled false: nothing is captured
     * @param offTunnels names of HTTP tunnels not captured
     * @param bodyCap bytes kept of each request and response body at most (0: heads only)
     * @param unmask show the values of Authorization, Proxy-Authorization, Cookie and Set-Cookie instead of masking them
     */
    public record Inspection(boolean enabled, Set<String> offTunnels, int bodyCap, boolean unmask) {
        /** The default body cap: 64 KiB. */
        public static final int DEFAULT_BODY_CAP = 64 * 1024;

        /** Checks the settings: the body cap is not negative. */
        public Inspection {
            offTunnels = Set.copyOf(offTunnels);
            if (bodyCap < 0) {
                throw new IllegalArgumentException("the inspector's body cap cannot be negative");
            }
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
        private boolean inspect = true;
        private final Set<String> noInspect = new HashSet<>();
        private int inspectBodyCap = Inspection.DEFAULT_BODY_CAP;
        private boolean inspectUnmask;
        private Path pluginDirectory;
        private List<PolicySpec> policies = List.of();
        private final Map<String, List<PolicySpec>> tunnelPolicies = new LinkedHashMap<>();
        private final Set<String> h2cTunnels = new HashSet<>();

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
         * Whether the request inspector captures the HTTP tunnels' traffic (the default) or nothing.
         *
         * @param on false to capture nothing
         * @return this builder
         */
        public Builder inspect(boolean on) { inspect = on; return this; }
        /**
         * Leaves one HTTP tunnel's traffic out of the request inspector.
         *
         * @param tunnel the tunnel's name
         * @return this builder
         */
        public Builder noInspect(String tunnel) { noInspect.add(tunnel); return this; }
        /**
         * How many bytes of each request and response body the inspector keeps (default 64 KiB).
         *
         * @param bytes the cap; 0 keeps heads only
         * @return this builder
         */
        public Builder inspectBodyCap(int bytes) { inspectBodyCap = bytes; return this; }
        /**
         * Whether the inspector shows credentials and cookies instead of masking them (default: masked).
         *
         * @param unmask true to show them
         * @return this builder
         */
        public Builder inspectUnmask(boolean unmask) { inspectUnmask = unmask; return this; }

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
         * Says that HTTP tunnel {@code tunnel}'s local service speaks HTTP/2 with prior knowledge (h2c), as
         * gRPC services do, instead of HTTP/1.1 (docs/HTTP.md, "gRPC").
         *
         * @param tunnel the tunnel's name
         * @return this builder
         */
        public Builder h2c(String tunnel) { h2cTunnels.add(tunnel); return this; }

        /**
         * Builds the settings.
         *
         * @return the settings
         * @throws IllegalArgumentException when the server address or id is missing, a setting is out of range,
         *     or h2c is set for a name that is not an http tunnel
         */
        public ClientSettings build() {
            return new ClientSettings(server, serverId, token, keyFile, tunnels, reconnect, backoffMin, backoffMax, session, observe.build(),
                    new Inspection(inspect, noInspect, inspectBodyCap, inspectUnmask),
                    new PluginSettings(pluginDirectory, policies, tunnelPolicies), h2cTunnels);
        }
    }
}
