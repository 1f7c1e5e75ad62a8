package io.loomtunnel.server;

import io.loomtunnel.session.AuthenticationException;
import io.loomtunnel.session.Authenticator;
import io.loomtunnel.session.TokenCheck;
import io.loomtunnel.tls.PeerId;
import io.loomtunnel.tunnel.PortRanges;
import io.loomtunnel.internal.tunnel.HostPatterns;
import io.loomtunnel.session.Session;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Authenticates clients against the server's grants: an authorized key id first (no token
 * needed), else a token (compared in constant time), else open access if configured. The
 * principal it returns maps back to the grant's ports and hosts ({@link #grantOf}); hosts that a
 * grant names exactly are reserved for the principals whose grants name them.
 */
final class GrantAuthenticator implements Authenticator {
    private static final String OPEN = "open access";

    private final Map<String, Grant> byPrincipal = new HashMap<>();
    private final Map<PeerId, String> keys = new HashMap<>();
    private final TokenCheck tokens;
    private final boolean openAccess;
    private final PortRanges defaultPorts;
    private final List<String> defaultHosts;
    private final String domain;
    private final Map<String, Set<String>> reservedHosts = new HashMap<>();

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
        this.defaultHosts = s.allowHosts();
        this.domain = s.domain().toLowerCase(Locale.ROOT);
        byPrincipal.forEach((principal, g) -> {
            for (String pattern : g.hosts() == null ? List.<String>of() : g.hosts()) {
                String host = HostPatterns.exactHost(pattern, domain);
                if (host != null) {
                    reservedHosts.computeIfAbsent(host, h -> new HashSet<>()).add(principal);
                }
            }
        });
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

    /** What the client of {@code session} may use, by its principal's grant (the defaults where it says nothing). */
    ClientGrant grantOf(Session session) {
        String principal = session.principal();
        Grant g = byPrincipal.get(principal);
        return new ClientGrant(principal, account(session), g == null || g.ports() == null ? defaultPorts : g.ports(),
                g == null || g.hosts() == null ? defaultHosts : g.hosts(), domain, reservedHosts);
    }

    /**
     * Whom a session counts as for the limits per principal: its principal, except under open
     * access, which all such clients share, where each key counts for itself.
     */
    static String account(Session session) {
        return session.principal().equals(OPEN) ? "peer " + session.peer().value() : session.principal();
    }
}
