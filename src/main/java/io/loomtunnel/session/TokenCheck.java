package io.loomtunnel.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.List;

/**
 * Finds which of the accepted tokens a peer presented, in time that does not depend on where or
 * whether it matches: every accepted token is compared, through fixed-length SHA-256 digests,
 * with {@link MessageDigest#isEqual} (constant-time).
 */
public final class TokenCheck implements Authenticator {
    private final List<byte[]> digests;

    private TokenCheck(List<byte[]> digests) {
        this.digests = digests;
    }

    /**
     * Accepts any of {@code tokens}; an empty collection accepts nobody who presents a token.
     *
     * @param tokens the accepted tokens
     * @return the check
     */
    public static TokenCheck of(Collection<String> tokens) {
        return new TokenCheck(tokens.stream().map(TokenCheck::digest).toList());
    }

    /**
     * The index of the matching token, or -1; every token is compared whatever the outcome.
     *
     * @param presented a token, or null
     * @return its index among the tokens, or -1
     */
    public int indexOf(String presented) {
        if (presented == null) {
            return -1;
        }
        byte[] d = digest(presented);
        int found = -1;
        for (int i = 0; i < digests.size(); i++) {
            boolean equal = MessageDigest.isEqual(digests.get(i), d);
            found = equal && found < 0 ? i : found;
        }
        return found;
    }

    /** Authenticates by token alone; the principal is "token N" (N counts from 1). */
    @Override
    public String authenticate(io.loomtunnel.tls.PeerId peer, String token) throws AuthenticationException {
        int i = indexOf(token);
        if (i < 0) {
            throw token == null
                    ? new AuthenticationException("no token", AuthenticationException.NO_CREDENTIALS)
                    : new AuthenticationException("invalid token", AuthenticationException.INVALID_TOKEN);
        }
        return "token " + (i + 1);
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
