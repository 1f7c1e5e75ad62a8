package io.loomtunnel.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.List;

/**
 * Decides whether a presented token is one of the accepted ones, in time that does not depend on
 * where or whether it matches: every accepted token is compared, through fixed-length SHA-256
 * digests, with {@link MessageDigest#isEqual} (constant-time).
 */
public final class TokenCheck {
    private final List<byte[]> digests;

    private TokenCheck(List<byte[]> digests) {
        this.digests = digests;
    }

    /** Accepts any of {@code tokens}; an empty collection accepts nobody who presents a token. */
    public static TokenCheck of(Collection<String> tokens) {
        return new TokenCheck(tokens.stream().map(TokenCheck::digest).toList());
    }

    public boolean accepts(String presented) {
        if (presented == null) {
            return false;
        }
        byte[] d = digest(presented);
        boolean match = false;
        for (byte[] accepted : digests) {
            match |= MessageDigest.isEqual(accepted, d);
        }
        return match;
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
