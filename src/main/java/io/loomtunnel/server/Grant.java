package io.loomtunnel.server;

import io.loomtunnel.tunnel.PortRanges;

/**
 * One credential a server accepts, a token or a client key id, and the remote ports it may use.
 *
 * @param credential the token, or the client's peer id
 * @param ports the remote ports allowed to this credential; null means the server's default
 */
public record Grant(String credential, PortRanges ports) {
    /** Checks that the credential is not blank. */
    public Grant {
        if (credential == null || credential.isBlank()) {
            throw new IllegalArgumentException("empty token or key id");
        }
    }

    @Override
    public String toString() {
        return "Grant[" + (credential.length() > 4 ? credential.substring(0, 4) + "…" : "…") + ", ports=" + ports + "]";
    }
}
