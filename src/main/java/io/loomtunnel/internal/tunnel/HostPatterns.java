package io.loomtunnel.internal.tunnel;

import io.loomtunnel.internal.net.HostPort;
import io.loomtunnel.internal.net.Quoted;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The HTTP hosts a grant lets its clients claim, written as patterns: {@code *} (any host),
 * {@code *.example.org} (any host under example.org, not example.org itself), {@code
 * shop.example.org} (that host) or a bare name {@code web} (web.DOMAIN, as a client's bare name
 * means). Patterns are kept lower case, as host names compare.
 */
public final class HostPatterns {
    /** Any host at all. */
    public static final String ANY = "*";
    private static final String UNDER = "*.";
    /** How a bad pattern's message describes good ones. */
    public static final String FORMS = "a name, a domain, *.DOMAIN or *";

    private HostPatterns() {}

    /** A comma-separated list of patterns, each checked; the list may not be empty. */
    public static List<String> parseList(String text) {
        List<String> patterns = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            patterns.add(check(part.strip()));
        }
        return List.copyOf(patterns);
    }

    /** Every pattern of {@code patterns} checked and in lower case. */
    public static List<String> checkAll(List<String> patterns) {
        return patterns.stream().map(HostPatterns::check).toList();
    }

    /** The pattern in lower case; IllegalArgumentException when it is none of the forms. */
    public static String check(String pattern) {
        String p = pattern == null ? "" : pattern.toLowerCase(Locale.ROOT);
        String domain = p.startsWith(UNDER) ? p.substring(UNDER.length()) : p;
        if (!p.equals(ANY) && !HostPort.isDomain(domain)) {
            throw new IllegalArgumentException(Quoted.quote(p) + " is not a host pattern (" + FORMS + ")");
        }
        return p;
    }

    /** Whether one of {@code patterns} takes in {@code host} (lower case), bare names meaning NAME.{@code domain}. */
    public static boolean allows(List<String> patterns, String host, String domain) {
        for (String p : patterns) {
            if (p.equals(ANY) || host.equals(exactHost(p, domain)) || p.startsWith(UNDER) && host.endsWith(p.substring(1))) {
                return true;
            }
        }
        return false;
    }

    /** The one host {@code pattern} names, or null for a wildcard. */
    public static String exactHost(String pattern, String domain) {
        if (pattern.startsWith(UNDER) || pattern.equals(ANY)) {
            return null;
        }
        return pattern.contains(".") ? pattern : pattern + "." + domain;
    }
}
