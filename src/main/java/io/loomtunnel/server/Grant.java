package io.loomtunnel.server;

import io.loomtunnel.internal.tunnel.HostPatterns;
import io.loomtunnel.tunnel.PortRanges;
import java.util.List;

/**
 * One credential a server accepts, a token or a client key id, and what it may use: remote ports,
 * and HTTP hosts as patterns ({@code *}: any host; {@code *.example.org}: any host under
 * example.org; {@code shop.example.org}: that host; {@code web}: web.DOMAIN). A host a grant names
 * exactly is reserved: only clients of grants that name it may claim it (docs/SECURITY.md).
 *
 * @param credential the token, or the client's peer id
 * @param ports the remote ports allowed to this credential; null means the server's default
 * @param hosts the HTTP hosts allowed to this credential; null means the server's default
 */
public record Grant(String credential, PortRanges ports, List<String> hosts) {
    /** Checks that the credential is not blank and that each host pattern is one of the forms. */
    public Grant {
        if (credential == null || credential.isBlank()) {
            throw new IllegalArgumentException("empty token or key id");
        }
        hosts = hosts == null ? null : HostPatterns.checkAll(hosts);
    }

    /**
     * A grant with the server's default hosts.
     *
     * @param credential the token, or the client's peer id
     * @param ports the remote ports allowed to this credential; null means the server's default
     */
    public Grant(String credential, PortRanges ports) {
        this(credential, ports, null);
    }

    @Override
    public String toString() {
        return "Grant[" + (credential.length() > 4 ? credential.substring(0, 4) + "…" : "…") + ", ports=" + ports
                + ", hosts=" + hosts + "]";
    }
}
