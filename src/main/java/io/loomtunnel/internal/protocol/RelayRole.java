package io.loomtunnel.internal.protocol;

import java.util.Locale;

/** A peer's part in a peer-to-peer session, as the relay preface names it: the relay joins one of each. */
public enum RelayRole {
    CONNECT, SHARE;

    /** {@code connect} or {@code share}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
