package io.loomtunnel.server;

import io.loomtunnel.internal.tunnel.UdpIngress;
import java.time.Duration;

/**
 * What keeps one tunnel, one source address or one principal (a token, an authorized key) from
 * taking what the server's other users need (docs/SECURITY.md, "Tunnels and shared resources").
 *
 * @param tcpIdleTimeout a connection through a TCP tunnel that moves no byte either way for this
 *     long is closed (like nginx's {@code proxy_timeout})
 * @param maxConnectionsPerSource connections one source (an IPv4 address, an IPv6 /64) may have
 *     through one TCP tunnel at once; more are closed at once
 * @param udpMaxFlows senders (UDP associations) one UDP tunnel keeps; a new sender beyond that
 *     takes the place of the least recently active one
 * @param udpMaxFlowsPerSource senders from one source address one UDP tunnel keeps; a new port of
 *     that source beyond that takes the place of the source's own least recently active one
 * @param maxOffersPerPrincipal peer-to-peer offers of one principal waiting for answers at once
 * @param httpHostHold how long the HTTP host of a client that left stays kept for its principal
 */
public record TunnelLimits(Duration tcpIdleTimeout, int maxConnectionsPerSource, int udpMaxFlows, int udpMaxFlowsPerSource,
                           int maxOffersPerPrincipal, Duration httpHostHold) {
    /** 10 min idle, 100 connections per source, 4,096 UDP senders (256 per source), 256 offers, hosts kept 24 h. */
    public static final TunnelLimits DEFAULTS = new TunnelLimits(Duration.ofMinutes(10), 100, UdpIngress.DEFAULT_MAX_FLOWS,
            UdpIngress.DEFAULT_MAX_FLOWS_PER_SOURCE, 256, Duration.ofHours(24));

    /** Checks that every limit and duration is above zero. */
    public TunnelLimits {
        requirePositive("TCP idle timeout", tcpIdleTimeout);
        requirePositive("HTTP host hold", httpHostHold);
        requirePositive("connections per source", maxConnectionsPerSource);
        requirePositive("UDP senders per tunnel", udpMaxFlows);
        requirePositive("UDP senders per source", udpMaxFlowsPerSource);
        requirePositive("waiting offers per principal", maxOffersPerPrincipal);
    }

    private static void requirePositive(String what, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be above zero, got " + d);
        }
    }

    private static void requirePositive(String what, int n) {
        if (n < 1) {
            throw new IllegalArgumentException(what + " must be at least 1, got " + n);
        }
    }
}
