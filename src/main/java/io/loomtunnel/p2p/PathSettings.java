package io.loomtunnel.p2p;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * How a peer looks for a path: where its punch port binds, which candidates it adds to its
 * interface addresses, how long the connecting side races candidate connections, and when a
 * relay joins the race (server signaling only).
 *
 * @param bind the punch port's address; a specific IP limits the interface candidates to it
 * @param extraCandidates added to the gathered ones (port 0: the punch port), e.g. a port forward
 * @param punchTimeout how long connection attempts go on once both sides know each other's candidates
 * @param relayAfter how long direct attempts run alone before the relay is asked too (a connecting
 *     side whose punch timeout is shorter never asks it)
 * @param relayOnly no direct attempts at all: no candidates, the punch port does not listen, the
 *     relay is asked at once (where direct attempts are known to fail, and for tests)
 */
public record PathSettings(InetSocketAddress bind, List<InetSocketAddress> extraCandidates, Duration punchTimeout,
                           Duration relayAfter, boolean relayOnly) {
    public static final Duration DEFAULT_PUNCH_TIMEOUT = Duration.ofSeconds(15);
    public static final Duration DEFAULT_RELAY_AFTER = Duration.ofSeconds(3);

    /**
     * Checks that the bind address and candidates are IP addresses, the punch timeout is at least 100 ms and
     * the relay delay not negative.
     */
    public PathSettings {
        if (bind == null || bind.isUnresolved()) {
            throw new IllegalArgumentException("the punch port needs an IP address to bind, got " + bind);
        }
        extraCandidates = List.copyOf(extraCandidates);
        for (InetSocketAddress c : extraCandidates) {
            if (c.isUnresolved()) {
                throw new IllegalArgumentException("candidate " + c + " must be an IP address");
            }
        }
        if (punchTimeout.isNegative() || punchTimeout.toMillis() < 100) {
            throw new IllegalArgumentException("punch timeout must be at least 100 ms, got " + punchTimeout);
        }
        if (relayAfter.isNegative()) {
            throw new IllegalArgumentException("relay-after must not be negative, got " + relayAfter);
        }
    }

    /**
     * Direct attempts first, the relay after the default 3 s.
     *
     * @param bind the punch port's address
     * @param extraCandidates added to the gathered ones
     * @param punchTimeout how long connection attempts go on
     */
    public PathSettings(InetSocketAddress bind, List<InetSocketAddress> extraCandidates, Duration punchTimeout) {
        this(bind, extraCandidates, punchTimeout, DEFAULT_RELAY_AFTER, false);
    }

    /**
     * All IPv4 interfaces, any free port, no extra candidates, 15 s, relay after 3 s.
     *
     * @return the defaults
     */
    public static PathSettings defaults() {
        return new PathSettings(new InetSocketAddress("0.0.0.0", 0), List.of(), DEFAULT_PUNCH_TIMEOUT);
    }

    /**
     * The same, with the relay asked after {@code after}, or, when {@code only}, at once and alone.
     *
     * @param after how long direct attempts run alone
     * @param only no direct attempts at all
     * @return new settings
     */
    public PathSettings withRelay(Duration after, boolean only) {
        return new PathSettings(bind, extraCandidates, punchTimeout, after, only);
    }
}
