package io.loomtunnel.server;

import io.loomtunnel.session.AuthenticationException;
import io.loomtunnel.session.Authenticator;
import io.loomtunnel.session.TokenCheck;
import io.loomtunnel.tls.PeerId;
import io.loomtunnel.tunnel.PortRanges;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Authenticates clients against the server's grants: an authorized key id first (no token
 * needed), else a token (compared in constant time), else open access if configured. The
 * principal it returns maps back to the grant's port allowlist.
 */
final class GrantAuthenticator implements Authenticator {
    private static final String OPEN = "open access";

    private final Map<String, Grant> byPrincipal = new HashMap<>();
    private final Map<PeerId, String> keys = new HashMap<>();
    private final TokenCheck tokens;
    private final boolean openAccess;
    private final PortRanges defaultPorts;

    GrantAuthenticator(ServerSettings s) {
        for (Grant g : s.authorizedKeys()) {
            PeerId id = PeerId.parse(g.credential());
            String principal = "key " + id.abbreviated();
            keys.put(id, principal);
            byPrincipal.put(principal, g);
        }
        List<Grant> tokenGrants = s.tokens();
        for (int i = 0; i < tokenGrants.size(); i++) {
            byPrincipal.put("token " + (i + 1), tokenGrants.get(i));
        }
        this.tokens = TokenCheck.of(tokenGrants.stream().map(Grant::credential).toList());
        this.openAccess = s.openAccess();
        this.defaultPorts = s.allowPorts();
    }

    @Override
    public String authenticate(PeerId peer, String token) throws AuthenticationException {
        String byKey = keys.get(peer);
        if (byKey != null) {
            return byKey;
        }
        int index = tokens.indexOf(token);
        if (index >= 0) {
            return "token " + (index + 1);
        }
        if (openAccess) {
            return OPEN;
        }
        throw token == null
                ? new AuthenticationException("no token, and the client key is not authorized", AuthenticationException.NO_CREDENTIALS)
                : new AuthenticationException("invalid token", AuthenticationException.INVALID_TOKEN);
    }

    /** The remote ports a principal may use. */
    PortRanges portsOf(String principal) {
        Grant g = byPrincipal.get(principal);
        return g == null || g.ports() == null ? defaultPorts : g.ports();
    }
}
