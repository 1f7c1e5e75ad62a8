package io.loomtunnel.internal.policies;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Changes a request target's path, keeping its query: either a prefix replaced by another
 * ({@code /api} to {@code /}, matching whole segments, so {@code /api} does not match
 * {@code /apix}), or a regular expression's first match replaced ({@code $1} for groups).
 */
public final class PathRewrite {
    private final String prefix;
    private final Pattern regex;
    private final String replacement;

    private PathRewrite(String prefix, Pattern regex, String replacement) {
        this.prefix = prefix;
        this.regex = regex;
        this.replacement = replacement;
    }

    /**
     * A prefix rewrite.
     *
     * @throws PolicyException when either does not start with '/'
     */
    public static PathRewrite prefix(String from, String to) {
        if (!from.startsWith("/") || !to.startsWith("/")) {
            throw new PolicyException("a path prefix must start with '/'");
        }
        return new PathRewrite(from.length() > 1 && from.endsWith("/") ? from.substring(0, from.length() - 1) : from, null, to);
    }

    /**
     * A prefix replaced by a location for a redirect: a path or an absolute http(s) URL.
     *
     * @throws PolicyException when {@code from} does not start with '/' or {@code to} is neither
     */
    public static PathRewrite prefixToLocation(String from, String to) {
        if (!to.startsWith("/") && !to.startsWith("https://") && !to.startsWith("http://")) {
            throw new PolicyException("a redirect's location must start with '/', http:// or https://");
        }
        return prefix(from, "/").withReplacement(to);
    }

    private PathRewrite withReplacement(String to) {
        return new PathRewrite(prefix, regex, to);
    }

    /**
     * A regular-expression rewrite.
     *
     * @throws PolicyException when the expression does not compile, in one line
     */
    public static PathRewrite regex(String pattern, String replacement) {
        return new PathRewrite(null, compile(pattern), replacement);
    }

    static Pattern compile(String pattern) {
        try {
            return Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw new PolicyException("bad regular expression '" + Cidr.printable(pattern) + "': " + e.getDescription());
        }
    }

    /**
     * The new target, or null when this rule does not apply.
     *
     * @throws PolicyException when the result is no usable target (no leading '/', spaces or controls)
     */
    public String apply(String target) {
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String query = q < 0 ? "" : target.substring(q);
        String changed = rewrite(path);
        if (changed == null) {
            return null;
        }
        if (!changed.startsWith("/") || changed.chars().anyMatch(c -> c <= ' ' || c >= 127)) {
            throw new PolicyException("the rewritten path is not a usable target");
        }
        return changed + query;
    }

    /** The rewritten path, or null when the rule does not match it. */
    String rewrite(String path) {
        if (regex != null) {
            Matcher m = regex.matcher(path);
            if (!m.find()) {
                return null;
            }
            try {
                return m.replaceFirst(replacement);
            } catch (IllegalArgumentException | IndexOutOfBoundsException badGroup) {
                throw new PolicyException("the replacement names a group the expression does not have");
            }
        }
        boolean matches = path.equals(prefix) || prefix.equals("/")
                || (path.startsWith(prefix) && path.charAt(prefix.length()) == '/');
        if (!matches) {
            return null;
        }
        String rest = prefix.equals("/") ? path.substring(1) : path.substring(prefix.length());
        String to = replacement;
        if (to.endsWith("/") && rest.startsWith("/")) {
            rest = rest.substring(1);
        } else if (!to.endsWith("/") && !rest.isEmpty() && !rest.startsWith("/")) {
            rest = "/" + rest;
        }
        return to + rest;
    }
}
