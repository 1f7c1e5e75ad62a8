package io.loomtunnel.internal.nostr;

/** Checks the lowercase hex strings NIP-01 uses for ids, keys and signatures. */
final class Hex {
    private Hex() {}

    /** True when {@code s} is exactly {@code bytes * 2} lowercase hex digits. */
    static boolean isLower(String s, int bytes) {
        if (s == null || s.length() != bytes * 2) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /** Throws unless {@link #isLower}; the message names the field, not the value. */
    static void check(String what, String s, int bytes) {
        if (!isLower(s, bytes)) {
            throw new IllegalArgumentException(what + " must be " + bytes * 2 + " lowercase hex digits");
        }
    }
}
