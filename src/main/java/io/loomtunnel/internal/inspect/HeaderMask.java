package io.loomtunnel.internal.inspect;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The header values the inspector does not show: credentials and session cookies
 * (docs/SECURITY.md, "Request inspector"). They are kept in memory, for replays, and shown as
 * {@value #MASKED} unless the client runs with {@code --inspect-unmask}.
 */
final class HeaderMask {
    static final String MASKED = "•••• (masked)";
    private static final Set<String> SECRET = Set.of("authorization", "proxy-authorization", "cookie", "set-cookie");

    private HeaderMask() {}

    static boolean secret(String name) {
        return SECRET.contains(name.toLowerCase(Locale.ROOT));
    }

    /** {@code headers} as [name, value] pairs, secret values masked unless {@code unmask}. */
    static List<List<String>> shown(List<Header> headers, boolean unmask) {
        List<List<String>> out = new ArrayList<>(headers.size());
        for (Header h : headers) {
            out.add(List.of(h.name(), unmask || !secret(h.name()) ? h.value() : MASKED));
        }
        return out;
    }
}
