package io.loomtunnel.internal.policies;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * An htpasswd file's users with bcrypt hashes ({@code htpasswd -B}: {@code $2y$}, {@code $2a$},
 * {@code $2b$}); other schemes (MD5 {@code $apr1$}, SHA-1, crypt, plain) are refused when the
 * file is read, as they are too cheap to guess.
 *
 * <p>Timing: an unknown user is checked against a dummy hash of the file's highest cost, so a
 * wrong name costs what a wrong password costs. A right password is remembered (as an HMAC under
 * a per-process key, at most {@value #REMEMBERED} users) so that a browser sending the same
 * credentials on every request does not pay bcrypt each time. Thread-safe; {@code remembered} is
 * its lock, a leaf.
 */
public final class Htpasswd {
    /** bcrypt costs above this take seconds per check: a visitor could keep the CPU busy with them. */
    static final int MAX_COST = 16;
    private static final int REMEMBERED = 1024;
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$(\\d\\d)\\$[./A-Za-z0-9]{53}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, String> hashes;
    private final String dummy;
    private final SecretKeySpec rememberKey;
    private final Map<String, byte[]> remembered = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
            return size() > REMEMBERED;
        }
    };

    private Htpasswd(Map<String, String> hashes, int cost) {
        this.hashes = Map.copyOf(hashes);
        byte[] salt = new byte[16];
        byte[] key = new byte[32];
        RANDOM.nextBytes(salt);
        RANDOM.nextBytes(key);
        this.dummy = OpenBSDBCrypt.generate("2y", randomPassword(), salt, cost);
        this.rememberKey = new SecretKeySpec(key, "HmacSHA256");
    }

    /**
     * Reads the file's text: {@code user:hash} lines, blank lines and {@code #} comments ignored.
     *
     * @param file the file's name for error messages
     * @throws PolicyException one line, {@code FILE:LINE: what is wrong}, never quoting a hash
     */
    public static Htpasswd parse(String file, String text) {
        Map<String, String> hashes = new HashMap<>();
        int maxCost = 4;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + ":" + (i + 1) + ": ";
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new PolicyException(where + "expected user:hash");
            }
            String user = line.substring(0, colon);
            String hash = line.substring(colon + 1);
            if (user.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
                throw new PolicyException(where + "the user name has spaces or control characters");
            }
            Matcher m = BCRYPT.matcher(hash);
            if (!m.matches()) {
                throw new PolicyException(where + "not a bcrypt hash (" + scheme(hash) + "); only bcrypt is accepted: htpasswd -B");
            }
            int cost = Integer.parseInt(m.group(1));
            if (cost < 4 || cost > MAX_COST) {
                throw new PolicyException(where + "bcrypt cost " + cost + " is outside 4.." + MAX_COST);
            }
            if (hashes.putIfAbsent(user, hash) != null) {
                throw new PolicyException(where + "user listed twice");
            }
            maxCost = Math.max(maxCost, cost);
        }
        return new Htpasswd(hashes, maxCost);
    }

    /** Whether {@code password} is the user's; as slow for an unknown user as for a wrong password. */
    public boolean verify(String user, String password) {
        String hash = hashes.get(user);
        byte[] mark = hash == null ? null : mark(user, hash, password);
        if (mark != null) {
            synchronized (remembered) {
                byte[] known = remembered.get(user);
                if (known != null && MessageDigest.isEqual(known, mark)) {
                    return true;
                }
            }
        }
        boolean right;
        try {
            right = OpenBSDBCrypt.checkPassword(hash == null ? dummy : hash, password.toCharArray());
        } catch (IllegalArgumentException tooLong) {
            return false; // bcrypt takes at most 72 bytes; the refusal does not depend on the user
        }
        if (hash == null || !right) {
            return false;
        }
        synchronized (remembered) {
            remembered.put(user, mark);
        }
        return true;
    }

    /** The hash unknown users are checked against. */
    String dummy() {
        return dummy;
    }

    /** How many users the file lists. */
    public int size() {
        return hashes.size();
    }

    /** An HMAC of the user, the hash it is checked against and the password: equal only for the same three. */
    private byte[] mark(String user, String hash, String password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(rememberKey);
            for (String part : new String[] {user, hash, password}) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                mac.update(new byte[] {(byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16), (byte) (bytes.length >>> 8),
                        (byte) bytes.length});
                mac.update(bytes);
            }
            return mac.doFinal();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static String scheme(String hash) {
        if (hash.startsWith("$apr1$")) {
            return "MD5 $apr1$";
        }
        if (hash.startsWith("{SHA}")) {
            return "SHA-1 {SHA}";
        }
        if (hash.startsWith("$2")) {
            return "malformed bcrypt";
        }
        if (hash.startsWith("$")) {
            int end = hash.indexOf('$', 1);
            return end > 1 && end < 8 && hash.substring(1, end).matches("[A-Za-z0-9]+")
                    ? "scheme " + hash.substring(0, end + 1) : "unknown scheme";
        }
        return hash.length() == 13 ? "DES crypt or plain text" : "plain text or unknown scheme";
    }

    private static char[] randomPassword() {
        char[] chars = new char[24];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = (char) ('a' + RANDOM.nextInt(26));
        }
        return chars;
    }
}
