package io.loomtunnel.internal.admin;

import java.util.List;

/**
 * The keys a server, client, share or connect trusts, as {@code GET /api/keys} shows them
 * (read-only; docs/DASHBOARD.md, "API"): what the role has, empty lists for what it has not.
 *
 * @param id this endpoint's key id
 * @param role server, client, share or connect
 * @param pinnedServerId the server key a client pins, else null
 * @param authorizedKeys the client keys a server lets in
 * @param allow the peers a share allows or the peer a connect pins (key ids), or a server's allowed ports and domains
 */
public record AdminKeys(String id, String role, String pinnedServerId, List<AuthorizedKey> authorizedKeys, List<String> allow) {
    /**
     * One authorized key.
     *
     * @param id the key id
     * @param comment what the authorized-keys file says about it, or null
     */
    public record AuthorizedKey(String id, String comment) {}

    /** What every role has: its id and role, nothing else. */
    public static AdminKeys basic(String id, String role) {
        return new AdminKeys(id, role, null, List.of(), List.of());
    }
}
