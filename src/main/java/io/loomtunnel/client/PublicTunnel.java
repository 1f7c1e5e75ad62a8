package io.loomtunnel.client;

import io.loomtunnel.tunnel.TunnelSpec;

/**
 * A tunnel the server exposed for us: what we asked for and where the public reaches it.
 *
 * @param spec the tunnel as the client asked for it
 * @param tunnelId the number the server gave it on this session
 * @param address where the public reaches it: host:port, or the URL of an HTTP tunnel
 */
public record PublicTunnel(TunnelSpec spec, int tunnelId, String address) {}
