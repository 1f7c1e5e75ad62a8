package io.loomtunnel.p2p;

import io.loomtunnel.internal.signal.SignedBody;
import io.loomtunnel.observe.ObserveSettings;
import io.loomtunnel.session.SessionOptions;
import io.loomtunnel.tls.Identity;
import io.loomtunnel.tls.PeerId;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a connecting peer needs: its key, the sharing peer (pinned by id), the service it
 * wants, where the local port listens, and how it looks for paths. Build one with {@link #builder}.
 *
 * @param listen the local address applications connect to (TCP or UDP, as the service is)
 * @param offerLifetime how long an offer stays valid: the time the answer has to come back
 * @param clock for block times (tests move it)
 * @param identity this peer's key
 * @param peer the share's key id
 * @param service the service's name
 * @param path how paths are looked for
 * @param session TLS and multiplexer settings
 * @param observe metrics registry, admin endpoint, JSON snapshots, OTLP (docs/METRICS.md); all off by default
 */
public record ConnectSettings(Identity identity, PeerId peer, String service, InetSocketAddress listen, PathSettings path,
                              Duration offerLifetime, SessionOptions session, Clock clock,
        ObserveSettings observe) {
    public static final Duration DEFAULT_OFFER_LIFETIME = Duration.ofMinutes(10);

    /**
     * Checks that identity and peer are given, the service name is valid, the listen address is an IP address
     * and the offer lifetime is in range.
     */
    public ConnectSettings {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(observe, "observe");
        if (peer == null) {
            throw new IllegalArgumentException("no peer: give the sharing peer's id (--peer ID)");
        }
        if (service == null || !SignedBody.SERVICE_NAME.matcher(service).matches()) {
            throw new IllegalArgumentException("service name '" + service + "' must be 1-63 lowercase letters, digits or '-'");
        }
        if (listen == null || listen.isUnresolved()) {
            throw new IllegalArgumentException("the local port needs an IP address to listen on, got " + listen);
        }
        SignedBody.checkLifetime("offer", offerLifetime);
    }

    /**
     * A builder for sessions to {@code service} of the share {@code peer}.
     *
     * @param identity this peer's key
     * @param peer the share's key id
     * @param service the service's name
     * @param listen the local address applications connect to (port 0: any free one)
     * @return a builder with the defaults
     */
    public static Builder builder(Identity identity, PeerId peer, String service, InetSocketAddress listen) {
        return new Builder(identity, peer, service, listen);
    }

    /** Builds ConnectSettings; identity, peer, service and listen address are given up front, the rest has defaults. */
    public static final class Builder {
        private final Identity identity;
        private final PeerId peer;
        private final String service;
        private final InetSocketAddress listen;
        private PathSettings path = PathSettings.defaults();
        private Duration offerLifetime = DEFAULT_OFFER_LIFETIME;
        private SessionOptions session = SessionOptions.defaults();
        private Clock clock = Clock.systemUTC();
        private final ObserveSettings.Builder observe = ObserveSettings.builder();

        private Builder(Identity identity, PeerId peer, String service, InetSocketAddress listen) {
            this.identity = identity;
            this.peer = peer;
            this.service = service;
            this.listen = listen;
        }

        /**
         * How paths are looked for.
         *
         * @param p the path settings
         * @return this builder
         */
        public Builder path(PathSettings p) { path = p; return this; }
        /**
         * How long an offer stays valid.
         *
         * @param d above zero
         * @return this builder
         */
        public Builder offerLifetime(Duration d) { offerLifetime = d; return this; }
        /**
         * TLS and multiplexer settings.
         *
         * @param s the options
         * @return this builder
         */
        public Builder session(SessionOptions s) { session = s; return this; }
        /**
         * The clock for block times.
         *
         * @param c the clock (tests move it)
         * @return this builder
         */
        public Builder clock(Clock c) { clock = c; return this; }
        /**
         * Metrics and admin settings, set in place: {@code b.observe().adminBind(...)}.
         *
         * @return the observe builder
         */
        public ObserveSettings.Builder observe() { return observe; }

        /**
         * Builds the settings.
         *
         * @return the settings
         */
        public ConnectSettings build() {
            return new ConnectSettings(identity, peer, service, listen, path, offerLifetime, session, clock, observe.build());
        }
    }
}
