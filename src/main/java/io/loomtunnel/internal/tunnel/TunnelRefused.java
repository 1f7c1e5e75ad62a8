package io.loomtunnel.internal.tunnel;

/** Server to client: the tunnel was not exposed, and why (for the client's user to read). */
public record TunnelRefused(int request, String name, String reason) {
    public static final String TYPE = "tunnel_refused";
}
