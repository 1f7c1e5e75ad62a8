package io.loomtunnel.internal.http;

import java.util.List;
import java.util.Locale;

/**
 * The one authority a request is for, which routes it and is the Host the app sees:
 * {@code original} as the visitor sent it (for Host and X-Forwarded-Host), {@code host}
 * lowercased, without its port or a trailing dot (for routing).
 */
record Authority(String original, String host) {
    private static final String REG_NAME_SYMBOLS = "-._~!$&'()*+,;=%";

    /**
     * From an absolute-form target, which takes precedence (RFC 9112 3.2.2), else from the Host
     * field. The Host field must be there exactly once in HTTP/1.1 (at most once in 1.0) and be a
     * valid authority even when the target's replaces it (RFC 9112 3.2).
     */
    static Authority of(RequestHead request, RequestTarget target) throws MalformedHttpException {
        List<String> hosts = request.fields().values("Host");
        if (hosts.size() > 1 || (request.http11() && hosts.isEmpty())) {
            throw new MalformedHttpException("a request needs exactly one Host field");
        }
        Authority fromField = hosts.isEmpty() ? null : parse(hosts.getFirst());
        if (target.authority() != null) {
            return parse(target.authority());
        }
        if (fromField == null) {
            throw new MalformedHttpException("no Host field");
        }
        return fromField;
    }

    static Authority parse(String authority) throws MalformedHttpException {
        String lower = authority.toLowerCase(Locale.ROOT);
        int portStart;
        String host;
        if (lower.startsWith("[")) {
            int close = lower.indexOf(']');
            if (close < 0 || !HeadParser.all(lower.substring(1, close), c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                throw new MalformedHttpException("bad IP literal in the host");
            }
            portStart = close + 1;
            host = lower.substring(0, portStart);
        } else {
            portStart = lower.indexOf(':') < 0 ? lower.length() : lower.indexOf(':');
            host = lower.substring(0, portStart);
            if (!HeadParser.all(host, Authority::isRegNameChar)) {
                throw new MalformedHttpException("bad character in the host");
            }
            if (host.endsWith(".")) {
                host = host.substring(0, host.length() - 1); // the same name, fully qualified
            }
        }
        if (host.isEmpty()) {
            throw new MalformedHttpException("empty host");
        }
        String port = lower.substring(portStart);
        if (!port.isEmpty() && (port.charAt(0) != ':' || !validPort(port.substring(1)))) {
            throw new MalformedHttpException("the port is not a number from 1 to 65535");
        }
        return new Authority(authority, host);
    }

    /** 1 to 5 digits, 1 to 65535. */
    private static boolean validPort(String port) {
        if (port.isEmpty() || port.length() > 5 || !HeadParser.all(port, c -> c >= '0' && c <= '9')) {
            return false;
        }
        int n = Integer.parseInt(port);
        return n >= 1 && n <= 65535;
    }

    private static boolean isRegNameChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || REG_NAME_SYMBOLS.indexOf(c) >= 0;
    }
}
