package io.loomtunnel.p2p;

import io.loomtunnel.internal.signal.SignedBody;
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
 */
public record ShareSettings(Identity identity, Map<String, SharedService> services, AllowList allowed, int maxSessions,
                            PathSettings path, Duration answerLifetime, SessionOptions session, Clock clock) {
    public static final int DEFAULT_MAX_SESSIONS = 64;
    public static final Duration DEFAULT_ANSWER_LIFETIME = Duration.ofMinutes(10);

    public ShareSettings {
        Objects.requireNonNull(identity, "identity");
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

        private Builder(Identity identity) {
            this.identity = identity;
        }

        /** Adds a service; names must be unique. */
        public Builder service(SharedService s) {
            if (services.putIfAbsent(s.name(), s) != null) {
                throw new IllegalArgumentException("two services are named '" + s.name() + "'");
            }
            return this;
        }

        public Builder allow(AllowList a) { allowed = allowed.plus(a); return this; }
        public Builder maxSessions(int n) { maxSessions = n; return this; }
        public Builder path(PathSettings p) { path = p; return this; }
        public Builder answerLifetime(Duration d) { answerLifetime = d; return this; }
        public Builder session(SessionOptions s) { session = s; return this; }
        public Builder clock(Clock c) { clock = c; return this; }

        public ShareSettings build() {
            return new ShareSettings(identity, services, allowed, maxSessions, path, answerLifetime, session, clock);
        }
    }
}
