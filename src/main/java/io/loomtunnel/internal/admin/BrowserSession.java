package io.loomtunnel.internal.admin;

import io.loomtunnel.session.TokenCheck;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * What lets a browser into the admin endpoint (docs/SECURITY.md, "Admin endpoint"): a secret
 * made at start and held only in memory, which the browser keeps as an HttpOnly, SameSite=Strict
 * cookie. The browser gets it by opening a one-time login link, minted for a client that is
 * already let in ({@code loomtunnel status --login-link}); a link works once and for a short
 * while, and at most a few are outstanding. A restart makes a new secret, so old cookies stop
 * working. The cookie's name carries the port: cookies do not tell ports apart, and a server's
 * and a client's endpoint on one host must not overwrite each other's.
 *
 * <p>Locking: {@code this} guards the outstanding codes; a leaf.
 */
final class BrowserSession {
    private static final int SECRET_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String cookieName;
    private final String secret;
    private final TokenCheck secretCheck;
    private final long codeLifetime;
    private final int maxCodes;
    private final LongSupplier nanoTime;
    private final ArrayDeque<Code> codes = new ArrayDeque<>();

    /** A login code, kept as a check only, and when it stops working (nanoTime). */
    private record Code(TokenCheck check, long expires) {}

    BrowserSession(int port, Duration codeLifetime, int maxCodes, LongSupplier nanoTime) {
        this.cookieName = "loomtunnel_admin_" + port;
        this.secret = random();
        this.secretCheck = TokenCheck.of(List.of(secret));
        this.codeLifetime = codeLifetime.toNanos();
        this.maxCodes = maxCodes;
        this.nanoTime = nanoTime;
    }

    /** A new one-time login code; the oldest outstanding one is dropped when there are too many. */
    synchronized String newCode() {
        if (codes.size() >= maxCodes) {
            codes.removeFirst();
        }
        String code = random();
        codes.addLast(new Code(TokenCheck.of(List.of(code)), nanoTime.getAsLong() + codeLifetime));
        return code;
    }

    /** Whether {@code code} is an outstanding, unexpired login code; it is used up either way. */
    synchronized boolean redeem(String code) {
        long now = nanoTime.getAsLong();
        boolean found = false;
        for (Iterator<Code> i = codes.iterator(); i.hasNext(); ) {
            Code c = i.next();
            boolean match = c.check().indexOf(code) == 0;
            if (match || c.expires() - now <= 0) {
                i.remove();
                found |= match && c.expires() - now > 0;
            }
        }
        return found;
    }

    /** The Set-Cookie value that hands the secret to the browser; {@code secure} when the browser came over TLS (a proxy in front). */
    String setCookie(boolean secure) {
        return cookieName + "=" + secret + "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    /** Whether one of the Cookie fields (null for none) holds the secret; compared in constant time. */
    boolean heldBy(List<String> cookieFields) {
        if (cookieFields == null) {
            return false;
        }
        for (String field : cookieFields) {
            for (String pair : field.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).strip().equals(cookieName)
                        && secretCheck.indexOf(pair.substring(eq + 1).strip()) == 0) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String random() {
        byte[] b = new byte[SECRET_BYTES];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
