package io.loomtunnel.server;

import io.loomtunnel.internal.tunnel.HostPatterns;
import io.loomtunnel.tunnel.PortRanges;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one connected client may use, from its grant: remote ports and HTTP hosts; and whom it
 * counts as for what the server's clients share ({@code account}: its principal, or under open
 * access its own key, since all open-access clients share one principal).
 *
 * @param principal who authenticated it ("token 2", "key abcd…", "open access")
 * @param hosts host patterns ({@link HostPatterns}); bare names under {@code domain}
 * @param reserved hosts some grant names exactly, each with the principals whose grants name it
 */
record ClientGrant(String principal, String account, PortRanges ports, List<String> hosts, String domain,
                   Map<String, Set<String>> reserved) {

    /** Why this client may not claim {@code host} (lower case), or null if it may. */
    String hostRefusal(String host) {
        if (!HostPatterns.allows(hosts, host, domain)) {
            return "host " + host + " is not allowed (allowed: " + String.join(",", hosts) + ")";
        }
        Set<String> owners = reserved.get(host);
        if (owners != null && !owners.contains(principal)) {
            return "host " + host + " is reserved for another client by the server's operator";
        }
        return null;
    }

    /** Whether this client's own grant names {@code host} exactly: the operator gave it that host, even from another principal. */
    boolean namesExactly(String host) {
        return reserved.getOrDefault(host, Set.of()).contains(principal);
    }
}
