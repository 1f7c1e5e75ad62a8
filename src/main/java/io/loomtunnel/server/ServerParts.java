package io.loomtunnel.server;

import io.loomtunnel.internal.metrics.EndpointMetrics;
import java.net.InetAddress;

/**
 * What every client link of one server shares: its meters, settings and events, the address
 * its public ports bind to, its HTTP routes (null without an HTTP ingress) and its peer directory.
 */
record ServerParts(EndpointMetrics metrics, ServerSettings settings, ServerEvents events, InetAddress bindHost,
                   HttpRoutes httpRoutes, PeerDirectory peers) {}
