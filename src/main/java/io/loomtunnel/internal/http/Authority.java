package io.loomtunnel.internal.http;

import java.util.List;
import java.util.Locale;

/**
 * The host a request is for: {@code original} as the client sent it (for X-Forwarded-Host),
 * {@code host} lowercased with the port stripped (for routing).
 */
record Authority(String original, String host) {
    private static final String REG_NAME_SYMBOLS = "-._~!$&'()*+,;=%";

    /**
     * From the Host field (exactly one, RFC 9112 3.2), or from an absolute-form target, which
     * takes precedence (RFC 9112 3.2.2).
     */
    static Authority of(RequestHead request) throws MalformedHttpException {
        List<String> hosts = request.fields().values("Host");
        if (hosts.size() > 1 || (request.http11() && hosts.isEmpty())) {
            throw new MalformedHttpException("a request needs exactly one Host field");
        }
        String target = request.target();
        int scheme = target.indexOf("://");
        if (!target.startsWith("/") && scheme > 0) {
            int start = scheme + 3;
            int end = start;
            while (end < target.length() && "/?#".indexOf(target.charAt(end)) < 0) {
                end++;
            }
            return parse(target.substring(start, end));
        }
        if (hosts.isEmpty()) {
            throw new MalformedHttpException("no Host field");
        }
        return parse(hosts.getFirst());
    }

    static Authority parse(String authority) throws MalformedHttpException {
        String lower = authority.toLowerCase(Locale.ROOT);
        int portStart;
        if (lower.startsWith("[")) {
            int close = lower.indexOf(']');
            if (close < 0 || !lower.substring(1, close).chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                throw new MalformedHttpException("bad IP literal in the host");
            }
            portStart = close + 1;
        } else {
            portStart = lower.indexOf(':') < 0 ? lower.length() : lower.indexOf(':');
            if (!lower.substring(0, portStart).chars().allMatch(Authority::isRegNameChar)) {
                throw new MalformedHttpException("bad character in the host");
            }
        }
        String port = lower.substring(portStart);
        if (portStart == 0 || !(port.isEmpty() || port.matches(":[0-9]{0,5}"))) {
            throw new MalformedHttpException("bad host");
        }
        return new Authority(authority, lower.substring(0, portStart));
    }

    private static boolean isRegNameChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || REG_NAME_SYMBOLS.indexOf(c) >= 0;
    }
}
