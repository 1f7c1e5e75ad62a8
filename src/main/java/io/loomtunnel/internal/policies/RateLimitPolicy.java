package io.loomtunnel.internal.policies;

import io.loomtunnel.internal.limits.Sources;
import io.loomtunnel.plugin.Admission;
import io.loomtunnel.plugin.Connection;
import io.loomtunnel.plugin.Datagram;
import io.loomtunnel.plugin.DatagramAction;
import io.loomtunnel.plugin.Policy;
import io.loomtunnel.plugin.PolicyConfigException;
import io.loomtunnel.plugin.PolicyProvider;
import io.loomtunnel.plugin.PolicySettings;
import io.loomtunnel.plugin.Request;
import io.loomtunnel.plugin.RequestAction;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * {@code rate-limit}: at most {@code requests} per {@code per} (default 1s) with bursts of
 * {@code burst} (default {@code requests}), counted per visitor (an IPv4 address or an IPv6 /64;
 * at most {@code max_visitors} tracked) or, with {@code key = "tunnel"}, for the whole tunnel.
 * An HTTP request over the limit gets 429 with Retry-After; a TCP connection is closed; a datagram dropped.
 */
final class RateLimitPolicy implements Policy {
    private static final String TUNNEL = "tunnel";
    private final RateLimiter limiter;
    private final boolean perVisitor;

    RateLimitPolicy(RateLimiter limiter, boolean perVisitor) {
        this.limiter = limiter;
        this.perVisitor = perVisitor;
    }

    /** Registered in META-INF/services. */
    public static final class Provider implements PolicyProvider {
        @Override
        public String name() {
            return "rate-limit";
        }

        @Override
        public Policy create(PolicySettings settings) throws PolicyConfigException {
            long requests = settings.integer("requests", 0, 1, 1_000_000);
            if (requests == 0) {
                throw settings.error("requests", "is required (how many requests per period)");
            }
            Duration per = settings.duration("per", Duration.ofSeconds(1));
            long burst = settings.integer("burst", requests, 1, 1_000_000);
            String key = settings.string("key", "visitor");
            if (!key.equals("visitor") && !key.equals(TUNNEL)) {
                throw settings.error("key", "must be \"visitor\" or \"tunnel\", got \"" + Cidr.printable(key) + "\"");
            }
            long maxVisitors = settings.integer("max_visitors", 10_000, 1, 1_000_000);
            double perSecond = requests * 1e9 / per.toNanos();
            if (perSecond * 1_000_000 < 1) {
                throw settings.error("per", "makes a rate below one request in 1,000,000 seconds");
            }
            return new RateLimitPolicy(new RateLimiter(perSecond, burst, (int) maxVisitors, System::nanoTime), !key.equals(TUNNEL));
        }
    }

    private long acquire(InetSocketAddress visitor) {
        String key = !perVisitor ? TUNNEL : visitor == null || visitor.getAddress() == null ? Sources.UNKNOWN
                : Sources.of(visitor.getAddress());
        return limiter.acquire(key);
    }

    @Override
    public RequestAction onRequest(Request request) {
        long wait = acquire(request.visitor());
        return wait == 0 ? RequestAction.CONTINUE
                : RequestAction.respond(Settings.retryAfter(429, wait, "Too many requests; try again in " + wait + " s."));
    }

    @Override
    public Admission onConnection(Connection connection) {
        return acquire(connection.visitor()) == 0 ? Admission.ACCEPT : Admission.REFUSE;
    }

    @Override
    public DatagramAction onDatagram(Datagram datagram) {
        return acquire(datagram.visitor()) == 0 ? DatagramAction.PASS : DatagramAction.DROP;
    }
}
