package io.loomtunnel.p2p;

import io.loomtunnel.internal.signal.SignedBody;
import io.loomtunnel.observe.ObserveSettings;
import io.loomtunnel.session.SessionOptions;
import io.loomtunnel.tls.Identity;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a sharing peer needs: its key, the services it offers, who may reach which, how many
 * sessions it runs at once, and how it looks for paths. Build one with {@link #builder(Identity)}.
 *
 * @param services by name
 * @param allowed peers allowed to connect, with the services each may reach
 * @param maxSessions sessions at once, pending (answered, not connected yet) and running; more are refused
 * @param answerLifetime how long an answer stays valid for the connecting side to use
 * @param clock for block times (tests move it)
 * @param identity this peer's key
 * @param path how paths are looked for
 * @param session TLS and multiplexer settings
 * @param observe metrics registry, admin endpoint, JSON snapshots, OTLP (docs/METRICS.md); all off by default
 */
public record ShareSettings(Identity identity, Map<String, SharedService> services, AllowList allowed, int maxSessions,
                            PathSettings path, Duration answerLifetime, SessionOptions session, Clock clock,
        ObserveSettings observe) {
    public static final int DEFAULT_MAX_SESSIONS = 64;
    public static final Duration DEFAULT_ANSWER_LIFETIME = Duration.ofMinutes(10);

    /**
     * Checks that services and allowed peers are given, every service an allow entry names exists, and the
     * limits are in range.
     */
    public ShareSettings {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(observe, "observe");
        services = Map.copyOf(services);
        if (services.isEmpty()) {
            throw new IllegalArgumentException("no services to share: give --tcp NAME=HOST:PORT or --udp NAME=HOST:PORT");
        }
        if (allowed.isEmpty()) {
            throw new IllegalArgumentException("no peer is allowed: give --allow ID or --allow-file FILE");
        }
        for (var entry : allowed.peers().entrySet()) {
            for (String name : entry.getValue()) {
                if (!services.containsKey(name)) {
                    throw new IllegalArgumentException("peer " + entry.getKey().abbreviated() + "… may reach service '" + name
                            + "', which is not shared (--tcp/--udp NAME=HOST:PORT)");
                }
            }
        }
        if (maxSessions < 1) {
            throw new IllegalArgumentException("max sessions must be at least 1, got " + maxSessions);
        }
        SignedBody.checkLifetime("answer", answerLifetime);
    }

    /**
     * A builder for a share with key {@code identity}.
     *
     * @param identity this peer's key; connecting peers address it by its id
     * @return a builder with the defaults
     */
    public static Builder builder(Identity identity) {
        return new Builder(identity);
    }

    /** Builds ShareSettings; services and allowed peers are required, the rest has defaults. */
    public static final class Builder {
        private final Identity identity;
        private final Map<String, SharedService> services = new LinkedHashMap<>();
        private AllowList allowed = AllowList.none();
        private int maxSessions = DEFAULT_MAX_SESSIONS;
        private PathSettings path = PathSettings.defaults();
        private Duration answerLifetime = DEFAULT_ANSWER_LIFETIME;
        private SessionOptions session = SessionOptions.defaults();
        private Clock clock = Clock.systemUTC();
        private final ObserveSettings.Builder observe = ObserveSettings.builder();

        private Builder(Identity identity) {
            this.identity = identity;
        }

        /**
         * Adds a service; names must be unique.
         *
         * @param s the service
         * @return this builder
         */
        public Builder service(SharedService s) {
            if (services.putIfAbsent(s.name(), s) != null) {
                throw new IllegalArgumentException("two services are named '" + s.name() + "'");
            }
            return this;
        }

        /**
         * Allows more peers.
         *
         * @param a the entries to add
         * @return this builder
         */
        public Builder allow(AllowList a) { allowed = allowed.plus(a); return this; }
        /**
         * Sessions at once, pending and running.
         *
         * @param n at least 1
         * @return this builder
         */
        public Builder maxSessions(int n) { maxSessions = n; return this; }
        /**
         * How paths are looked for.
         *
         * @param p the path settings
         * @return this builder
         */
        public Builder path(PathSettings p) { path = p; return this; }
        /**
         * How long an answer stays valid.
         *
         * @param d above zero
         * @return this builder
         */
        public Builder answerLifetime(Duration d) { answerLifetime = d; return this; }
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
        public ShareSettings build() {
            return new ShareSettings(identity, services, allowed, maxSessions, path, answerLifetime, session, clock, observe.build());
        }
    }
}
