package io.loomtunnel.server;

import io.loomtunnel.internal.metrics.EndpointMetrics;
import io.loomtunnel.internal.tunnel.IdleWatch;
import java.net.InetAddress;

/**
 * What every client link of one server shares: its meters, settings and events, the address
 * its public ports bind to, its HTTP routes (null without an HTTP ingress), its peer directory,
 * and the one idle watch of every connection through its TCP tunnels.
 */
record ServerParts(EndpointMetrics metrics, ServerSettings settings, ServerEvents events, InetAddress bindHost,
                   HttpRoutes httpRoutes, PeerDirectory peers, IdleWatch idleWatch) {}
