package io.loomtunnel.internal.protocol;

import java.util.List;
import java.util.Map;

/**
 * Client to server: expose a tunnel (docs/protocol/TUNNEL.md section 8). The local address stays on the
 * client; the server learns only what it must expose.
 *
 * @param request echoed in the answer, to pair them
 * @param tunnelType tcp, udp or http
 * @param remotePort for tcp and udp: the port wanted, 0 = any allowed port
 * @param host for http: a name (served as NAME.DOMAIN) or a full domain
 * @param preferredPort with remotePort 0: the port the server gave this tunnel before, to give again if it can (or null)
 * @param instance the client's instance id, the same for each of its sessions: a newer session of the same key and
 *     instance replaces an older one the server still holds (or null)
 * @param policies the built-in policies the server runs on the tunnel's ingress, each an object with its
 *     {@code type} and settings (docs/PLUGINS.md), or null for none
 * @param passthrough for http: true when the client's service terminates TLS and the server passes the HTTPS
 *     listener's connections for the host through by their TLS server name (null: false)
 */
public record OpenTunnel(int request, String name, String tunnelType, Integer remotePort, String host, Integer preferredPort,
                         String instance, List<Map<String, Object>> policies, Boolean passthrough) implements TunnelRequest {
    /** Without TLS passthrough. */
    public OpenTunnel(int request, String name, String tunnelType, Integer remotePort, String host, Integer preferredPort,
                      String instance, List<Map<String, Object>> policies) {
        this(request, name, tunnelType, remotePort, host, preferredPort, instance, policies, null);
    }
}
