package io.loomtunnel.p2p.path;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * How a peer looks for a direct path: where its punch port binds, which candidates it adds to its
 * interface addresses, and how long the connecting side races candidate connections.
 *
 * @param bind the punch port's address; a specific IP limits the interface candidates to it
 * @param extraCandidates added to the gathered ones (port 0: the punch port), e.g. a port forward
 * @param punchTimeout how long connection attempts go on once both sides know each other's candidates
 */
public record PathSettings(InetSocketAddress bind, List<InetSocketAddress> extraCandidates, Duration punchTimeout) {
    public static final Duration DEFAULT_PUNCH_TIMEOUT = Duration.ofSeconds(15);

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
    }

    /** All IPv4 interfaces, any free port, no extra candidates, 15 s. */
    public static PathSettings defaults() {
        return new PathSettings(new InetSocketAddress("0.0.0.0", 0), List.of(), DEFAULT_PUNCH_TIMEOUT);
    }
}
