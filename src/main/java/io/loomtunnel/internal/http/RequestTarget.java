package io.loomtunnel.internal.http;

import java.util.Locale;

/**
 * A request target in one of the forms a reverse proxy takes (RFC 9112 3.2): origin-form
 * ({@code /path?query}), absolute-form ({@code http://authority/path?query}, whose authority then
 * routes the request and becomes its Host, RFC 9112 3.2.2) or, for OPTIONS only, asterisk-form.
 * Authority-form (CONNECT) and anything else are refused.
 *
 * @param forUpstream the target sent to the app: origin-form (or {@code *}); an absolute-form
 *     target loses its scheme and authority, an empty path becomes {@code /}
 * @param authority the authority of an absolute-form target, else null
 */
record RequestTarget(String forUpstream, String authority) {

    /** {@code target}: already checked to be VCHARs only. */
    static RequestTarget parse(String method, String target) throws MalformedHttpException {
        if (target.indexOf('#') >= 0) {
            throw new MalformedHttpException("a fragment in the request target");
        }
        if (target.startsWith("/")) {
            return new RequestTarget(target, null);
        }
        if (target.equals("*")) {
            if (!method.equals("OPTIONS")) {
                throw new MalformedHttpException("the asterisk target is for OPTIONS only");
            }
            return new RequestTarget(target, null);
        }
        int colon = target.indexOf("://");
        String scheme = colon < 0 ? "" : target.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new MalformedHttpException("the request target is neither a path nor an http URI");
        }
        int start = colon + 3;
        int end = start;
        while (end < target.length() && target.charAt(end) != '/' && target.charAt(end) != '?') {
            end++;
        }
        String authority = target.substring(start, end);
        if (authority.indexOf('@') >= 0) {
            throw new MalformedHttpException("user information in the request target");
        }
        String rest = target.substring(end);
        return new RequestTarget(rest.startsWith("/") ? rest : "/" + rest, authority);
    }
}
