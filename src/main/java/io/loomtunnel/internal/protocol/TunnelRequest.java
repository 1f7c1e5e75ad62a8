package io.loomtunnel.internal.protocol;

/** Client to server: change the reverse tunnels the session exposes (docs/protocol/TUNNEL.md 8.1, 8.4). */
public sealed interface TunnelRequest extends ControlMessage permits OpenTunnel, CloseTunnel {
    /** The client's number for the request, echoed in the answer. */
    int request();
}
