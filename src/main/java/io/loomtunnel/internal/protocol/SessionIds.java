package io.loomtunnel.internal.protocol;

import java.util.regex.Pattern;

/** The id of one peer-to-peer session: 16 random bytes, base64url without padding (docs/protocol/P2P.md 9.1). */
public final class SessionIds {
    /** 22 base64url characters. */
    public static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9_-]{22}");

    private SessionIds() {}

    public static boolean isValid(String id) {
        return id != null && PATTERN.matcher(id).matches();
    }
}
