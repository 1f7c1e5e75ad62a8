package io.loomtunnel.client;

import io.loomtunnel.tunnel.TunnelSpec;

/** A tunnel the server exposed for us: what we asked for and where the public reaches it. */
public record PublicTunnel(TunnelSpec spec, int tunnelId, String address) {}
