package io.loomtunnel.server;

import io.loomtunnel.internal.limits.RefusalLog;
import io.loomtunnel.internal.metrics.EndpointMetrics;
import io.loomtunnel.internal.tunnel.IdleWatch;
import java.net.InetAddress;
import java.util.function.Consumer;

/**
 * What every client link of one server shares: its meters, settings and events, the address
 * its public ports bind to, its HTTP routes (null without an HTTP ingress), its peer directory,
 * the one idle watch of every connection through its TCP tunnels, the log of TCP connections
 * whose local service a client could not reach, its policies, and {@code replaceOlder}, which ends the sessions
 * of the same client that a newer session makes stale ({@link ClientLink#replaces}).
 */
record ServerParts(EndpointMetrics metrics, ServerSettings settings, ServerEvents events, InetAddress bindHost,
                   HttpRoutes httpRoutes, PeerDirectory peers, IdleWatch idleWatch, RefusalLog serviceLog,
                   TunnelPolicies policies, Consumer<ClientLink> replaceOlder) {}
