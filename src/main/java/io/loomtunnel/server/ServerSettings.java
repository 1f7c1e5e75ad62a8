package io.loomtunnel.server;

import io.loomtunnel.internal.tunnel.HostPatterns;
import io.loomtunnel.observe.ObserveSettings;
import io.loomtunnel.plugin.PluginSettings;
import io.loomtunnel.plugin.PolicySpec;
import io.loomtunnel.session.SessionOptions;
import io.loomtunnel.session.SetupLimits;
import io.loomtunnel.tunnel.PortRanges;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a tunnel server needs to run. Build one with {@link #builder()}; the CLI and the
 * TOML loader build exactly the same object.
 *
 * @param bind where clients connect (default 0.0.0.0:7835)
 * @param keyFile the server's identity key, created if missing; clients pin its id
 * @param tokens accepted tokens, each with its ports
 * @param authorizedKeys accepted client key ids, each with its ports
 * @param openAccess accept any client without token or key (must be asked for explicitly)
 * @param allowPorts remote ports a client may use unless its grant says otherwise
 * @param httpBind where the HTTP ingress listens, or null for none
 * @param domain HTTP tunnels named NAME are served at NAME.DOMAIN
 * @param httpLimits the HTTP ingress's limits and timeouts against slow, large or silent visitors
 * @param maxClients connected clients at once
 * @param maxTunnelsPerClient tunnels one client may hold
 * @param maxStreamsPerClient connections through one client's tunnels at once
 * @param udpIdleTimeout a UDP association without traffic for this long is forgotten
 * @param session TLS and multiplexer settings
 * @param observe metrics registry, admin endpoint, JSON snapshots, OTLP (docs/METRICS.md)
 * @param relay how much peer-to-peer relaying the server does per peer
 * @param allowHosts HTTP hosts a client may claim unless its grant says otherwise, as patterns
 *     (see {@link Grant}); by default the names under {@code domain}
 * @param tunnelLimits what one tunnel, source address or principal may take of what others share
 * @param setupLimits what connections to the control port may do before they authenticate: set-ups
 *     in progress in all and per source, the first-byte deadline, penalties (docs/SECURITY.md)
 * @param plugins the custom plugin directory and the server-wide policies, run on every tunnel before
 *     its own (docs/PLUGINS.md); its per-tunnel map must be empty
 * @param https the HTTPS listener of the HTTP virtual hosts ({@link HttpsSettings#NONE}: none)
 */
public record ServerSettings(
        InetSocketAddress bind,
        Path keyFile,
        List<Grant> tokens,
        List<Grant> authorizedKeys,
        boolean openAccess,
        PortRanges allowPorts,
        InetSocketAddress httpBind,
        String domain,
        HttpLimits httpLimits,
        int maxClients,
        int maxTunnelsPerClient,
        int maxStreamsPerClient,
        Duration udpIdleTimeout,
        SessionOptions session,
        ObserveSettings observe,
        RelaySettings relay,
        List<String> allowHosts,
        TunnelLimits tunnelLimits,
        SetupLimits setupLimits,
        PluginSettings plugins,
        HttpsSettings https) {

    public static final int DEFAULT_PORT = 7835;

    /** Checks the settings: some way in (tokens, keys or open access), limits above zero. */
    public ServerSettings {
        tokens = List.copyOf(tokens);
        authorizedKeys = List.copyOf(authorizedKeys);
        if (tokens.isEmpty() && authorizedKeys.isEmpty() && !openAccess) {
            throw new IllegalArgumentException("no tokens and no authorized keys: no client could connect"
                    + " (give a tokens file or authorized keys, or allow open access explicitly)");
        }
        requirePositive("max clients", maxClients);
        requirePositive("max tunnels per client", maxTunnelsPerClient);
        requirePositive("max streams per client", maxStreamsPerClient);
        allowHosts = HostPatterns.checkAll(Objects.requireNonNull(allowHosts, "allowed hosts"));
        Objects.requireNonNull(tunnelLimits, "tunnel limits");
        Objects.requireNonNull(setupLimits, "setupLimits");
        Objects.requireNonNull(plugins, "plugins");
        if (!plugins.tunnels().isEmpty()) {
            throw new IllegalArgumentException("a server's policies are server-wide: per-tunnel policies are the clients'");
        }
        Objects.requireNonNull(https, "https");
    }

    /**
     * A builder with the defaults: all interfaces, port {@value #DEFAULT_PORT}, the key in ~/.loomtunnel/server.key,
     * no tokens or keys yet.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    private static void requirePositive(String what, int n) {
        if (n < 1) {
            throw new IllegalArgumentException(what + " must be at least 1, got " + n);
        }
    }

    /** Builds ServerSettings; every setting has a default except the credentials. */
    public static final class Builder {
        private InetSocketAddress bind = new InetSocketAddress(DEFAULT_PORT);
        private Path keyFile = Path.of(System.getProperty("user.home"), ".loomtunnel", "server.key");
        private final List<Grant> tokens = new ArrayList<>();
        private final List<Grant> authorizedKeys = new ArrayList<>();
        private boolean openAccess;
        private PortRanges allowPorts = PortRanges.parse("1024-65535");
        private InetSocketAddress httpBind;
        private String domain = "localhost";
        private int maxClients = 1_000;
        private int maxTunnelsPerClient = 64;
        private int maxStreamsPerClient = 16_384;
        private Duration udpIdleTimeout = Duration.ofSeconds(60);
        private SessionOptions session = SessionOptions.defaults();
        private int relayMaxPerPeer = RelaySettings.DEFAULTS.maxPerPeer();
        private long relayRatePerPeer = RelaySettings.DEFAULTS.bytesPerSecondPerPeer();
        private final ObserveSettings.Builder observe = ObserveSettings.builder();
        private final HttpLimits.Builder httpLimits = HttpLimits.builder();
        private List<String> allowHosts; // null: the names under the domain
        private Duration tcpIdleTimeout = TunnelLimits.DEFAULTS.tcpIdleTimeout();
        private int maxConnectionsPerSource = TunnelLimits.DEFAULTS.maxConnectionsPerSource();
        private int udpMaxFlows = TunnelLimits.DEFAULTS.udpMaxFlows();
        private int udpMaxFlowsPerSource = TunnelLimits.DEFAULTS.udpMaxFlowsPerSource();
        private int maxOffersPerPrincipal = TunnelLimits.DEFAULTS.maxOffersPerPrincipal();
        private Duration httpHostHold = TunnelLimits.DEFAULTS.httpHostHold();
        private final SetupLimits.Builder setupLimits = SetupLimits.builder();
        private Path pluginDirectory;
        private List<PolicySpec> policies = List.of();
        private final HttpsSettings.Builder https = HttpsSettings.builder();

        private Builder() {}

        /**
         * Where clients connect.
         *
         * @param a the address to bind
         * @return this builder
         */
        public Builder bind(InetSocketAddress a) { bind = a; return this; }
        /**
         * The server's identity key, created if missing; clients pin its id.
         *
         * @param p the key file
         * @return this builder
         */
        public Builder keyFile(Path p) { keyFile = p; return this; }
        /**
         * Accepts clients that present {@code token}, on the default ports.
         *
         * @param token the shared secret
         * @return this builder
         */
        public Builder token(String token) { tokens.add(new Grant(token, null)); return this; }
        /**
         * Replaces every token given so far.
         *
         * @param grants tokens with their ports
         * @return this builder
         */
        public Builder tokens(List<Grant> grants) { tokens.clear(); tokens.addAll(grants); return this; }
        /**
         * Replaces every authorized key given so far.
         *
         * @param grants client key ids with their ports
         * @return this builder
         */
        public Builder authorizedKeys(List<Grant> grants) { authorizedKeys.clear(); authorizedKeys.addAll(grants); return this; }
        /**
         * Accepts clients that present {@code token}, on {@code ports}.
         *
         * @param token the shared secret
         * @param ports the remote ports they may use
         * @return this builder
         */
        public Builder token(String token, PortRanges ports) { tokens.add(new Grant(token, ports)); return this; }
        /**
         * Accepts the client with key id {@code peerId}, on {@code ports}.
         *
         * @param peerId the client's key id
         * @param ports the remote ports it may use, or null for the default
         * @return this builder
         */
        public Builder authorizedKey(String peerId, PortRanges ports) { authorizedKeys.add(new Grant(peerId, ports)); return this; }
        /**
         * Accepts any client, without token or key: for closed networks only.
         *
         * @param open true to accept anyone
         * @return this builder
         */
        public Builder openAccess(boolean open) { openAccess = open; return this; }
        /**
         * The remote ports clients may use when their grant does not say.
         *
         * @param p the ranges
         * @return this builder
         */
        public Builder allowPorts(PortRanges p) { allowPorts = p; return this; }
        /**
         * Serves HTTP tunnels on {@code bindAddress}, named NAME.{@code domainName}.
         *
         * @param bindAddress where the HTTP ingress listens
         * @param domainName the domain the tunnels' names go under
         * @return this builder
         */
        public Builder http(InetSocketAddress bindAddress, String domainName) { httpBind = bindAddress; domain = domainName; return this; }
        /**
         * Where the HTTP ingress listens.
         *
         * @param bindAddress the address, or null for no HTTP ingress
         * @return this builder
         */
        public Builder httpBind(InetSocketAddress bindAddress) { httpBind = bindAddress; return this; }
        /**
         * The domain HTTP tunnels are named under.
         *
         * @param domainName e.g. tunnels.example.org
         * @return this builder
         */
        public Builder domain(String domainName) { domain = domainName; return this; }
        /**
         * The HTTP ingress's limits and timeouts, set in place: {@code b.httpLimits().bodyTimeout(...)}.
         *
         * @return the limits' builder, part of this one
         */
        public HttpLimits.Builder httpLimits() { return httpLimits; }
        /**
         * Connected clients at once; more are refused.
         *
         * @param n the limit
         * @return this builder
         */
        public Builder maxClients(int n) { maxClients = n; return this; }
        /**
         * Tunnels one client may hold.
         *
         * @param n the limit
         * @return this builder
         */
        public Builder maxTunnelsPerClient(int n) { maxTunnelsPerClient = n; return this; }
        /**
         * Connections through one client's tunnels at once.
         *
         * @param n the limit
         * @return this builder
         */
        public Builder maxStreamsPerClient(int n) { maxStreamsPerClient = n; return this; }
        /**
         * How long a UDP association without traffic is kept.
         *
         * @param d the timeout
         * @return this builder
         */
        public Builder udpIdleTimeout(Duration d) { udpIdleTimeout = d; return this; }
        /**
         * TLS and multiplexer settings.
         *
         * @param s the options
         * @return this builder
         */
        public Builder session(SessionOptions s) { session = s; return this; }
        /**
         * Relayed peer-to-peer sessions one peer may be part of at once; 0 turns relaying off.
         *
         * @param n the limit
         * @return this builder
         */
        public Builder relayMaxPerPeer(int n) { relayMaxPerPeer = n; return this; }
        /**
         * Bytes per second one peer may send through the relay.
         *
         * @param bytesPerSecond at least {@link RelaySettings#MIN_RATE}
         * @return this builder
         */
        public Builder relayRatePerPeer(long bytesPerSecond) { relayRatePerPeer = bytesPerSecond; return this; }
        /**
         * The HTTP hosts clients may claim when their grant does not say (default: {@code *.DOMAIN},
         * the names under the server's domain).
         *
         * @param patterns host patterns as {@link Grant} describes them
         * @return this builder
         */
        public Builder allowHosts(List<String> patterns) { allowHosts = List.copyOf(patterns); return this; }
        /**
         * How long a connection through a TCP tunnel may move nothing before it is closed.
         *
         * @param d the idle timeout
         * @return this builder
         */
        public Builder tcpIdleTimeout(Duration d) { tcpIdleTimeout = d; return this; }
        /**
         * Connections one source address may have through one TCP tunnel at once.
         *
         * @param n the limit
         * @return this builder
         */
        public Builder maxConnectionsPerSource(int n) { maxConnectionsPerSource = n; return this; }
        /**
         * Senders one UDP tunnel keeps; a new one takes the place of the least recently active.
         *
         * @param n the limit
         * @return this builder
         */
        public Builder udpMaxFlows(int n) { udpMaxFlows = n; return this; }
        /**
         * Senders of one source address one UDP tunnel keeps; a new port of that source takes the
         * place of the source's own least recently active.
         *
         * @param n the limit
         * @return this builder
         */
        public Builder udpMaxFlowsPerSource(int n) { udpMaxFlowsPerSource = n; return this; }
        /**
         * Peer-to-peer offers one principal may have waiting for answers at once.
         *
         * @param n the limit
         * @return this builder
         */
        public Builder maxOffersPerPrincipal(int n) { maxOffersPerPrincipal = n; return this; }
        /**
         * How long the HTTP host of a client that left stays kept for its principal.
         *
         * @param d the hold
         * @return this builder
         */
        public Builder httpHostHold(Duration d) { httpHostHold = d; return this; }
        /**
         * Metrics and admin settings, set in place: {@code b.observe().adminBind(...)}.
         *
         * @return the observation settings' builder, part of this one
         */
        public ObserveSettings.Builder observe() { return observe; }
        /**
         * The control port's limits before authentication, set in place: {@code b.setupLimits().maxSetupsPerSource(8)}.
         *
         * @return the limits' builder, part of this one
         */
        public SetupLimits.Builder setupLimits() { return setupLimits; }
        /**
         * The directory whose jars hold custom policy providers (docs/PLUGINS.md).
         *
         * @param dir the directory, or null for none
         * @return this builder
         */
        public Builder pluginDirectory(Path dir) { pluginDirectory = dir; return this; }
        /**
         * The server-wide policies, run on every tunnel before the tunnel's own.
         *
         * @param list the policies in order
         * @return this builder
         */
        public Builder policies(List<PolicySpec> list) { policies = List.copyOf(list); return this; }
        /**
         * The HTTPS listener's settings, set in place: {@code b.https().bind(...).certificate(...)}.
         *
         * @return the HTTPS settings' builder, part of this one
         */
        public HttpsSettings.Builder https() { return https; }

        /**
         * Builds the settings.
         *
         * @return the settings
         * @throws IllegalArgumentException when a setting is out of range or no client could get in
         */
        public ServerSettings build() {
            return new ServerSettings(bind, keyFile, tokens, authorizedKeys, openAccess, allowPorts, httpBind, domain,
                    httpLimits.build(), maxClients, maxTunnelsPerClient, maxStreamsPerClient, udpIdleTimeout, session, observe.build(),
                    new RelaySettings(relayMaxPerPeer, relayRatePerPeer),
                    allowHosts == null ? List.of("*." + domain) : allowHosts, new TunnelLimits(tcpIdleTimeout, maxConnectionsPerSource,
                            udpMaxFlows, udpMaxFlowsPerSource, maxOffersPerPrincipal, httpHostHold), setupLimits.build(),
                    new PluginSettings(pluginDirectory, policies, Map.of()), https.build());
        }
    }
}
