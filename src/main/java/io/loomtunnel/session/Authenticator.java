package io.loomtunnel.session;

import io.loomtunnel.tls.PeerId;

/**
 * Decides, during session set-up, whether a peer may have a session, and names it. The peer's
 * key was already verified by TLS; this sees the key id and the token from its hello.
 */
@FunctionalInterface
public interface Authenticator {
    /**
     * Decides whether a peer may have a session.
     *
     * @param peer the peer's verified key id
     * @param token the token from the peer's hello, or null
     * @return the principal: a name for who the peer is (e.g. "token 2", "key abcd…"), kept on the session
     * @throws AuthenticationException to refuse; the peer gets GO_AWAY(AUTH_FAILED) with the message
     */
    String authenticate(PeerId peer, String token) throws AuthenticationException;

    /**
     * Accepts everyone whose key TLS accepted; the principal is the key id.
     *
     * @return the authenticator
     */
    static Authenticator anyone() {
        return (peer, token) -> "key " + peer.abbreviated();
    }
}
