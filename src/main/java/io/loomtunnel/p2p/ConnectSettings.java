package io.loomtunnel.p2p;

import io.loomtunnel.internal.signal.SignedBody;
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
 */
public record ConnectSettings(Identity identity, PeerId peer, String service, InetSocketAddress listen, PathSettings path,
                              Duration offerLifetime, SessionOptions session, Clock clock) {
    public static final Duration DEFAULT_OFFER_LIFETIME = Duration.ofMinutes(10);

    public ConnectSettings {
        Objects.requireNonNull(identity, "identity");
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

        private Builder(Identity identity, PeerId peer, String service, InetSocketAddress listen) {
            this.identity = identity;
            this.peer = peer;
            this.service = service;
            this.listen = listen;
        }

        public Builder path(PathSettings p) { path = p; return this; }
        public Builder offerLifetime(Duration d) { offerLifetime = d; return this; }
        public Builder session(SessionOptions s) { session = s; return this; }
        public Builder clock(Clock c) { clock = c; return this; }

        public ConnectSettings build() {
            return new ConnectSettings(identity, peer, service, listen, path, offerLifetime, session, clock);
        }
    }
}
