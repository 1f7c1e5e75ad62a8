package io.loomtunnel.internal.net;

import static io.loomtunnel.internal.net.Quoted.quote;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code HOST:PORT} as people write it, IPv6 hosts in brackets ({@code [::1]:7835}); errors are
 * {@link IllegalArgumentException}s whose message reads after the name of what was parsed
 * ("must be HOST:PORT, got 'localhost'").
 */
public final class HostPort {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,252}");
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[A-Za-z0-9_.-]+)?");
    private static final Pattern DOMAIN =
            Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    private HostPort() {}

    /**
     * {@code address} as people write it, {@code HOST:PORT} with an IPv6 host in brackets: the host
     * as given (name or IP), never {@link InetSocketAddress#toString}'s {@code 127.0.0.1/<unresolved>:1}.
     */
    public static String text(InetSocketAddress address) {
        String host = address.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /**
     * {@code address} resolved now when it is unresolved (as {@link #parse} returns it), so a name is
     * looked up again at each connect; a resolved address as it is.
     */
    public static InetSocketAddress resolved(InetSocketAddress address) {
        return address.isUnresolved() ? new InetSocketAddress(address.getHostString(), address.getPort()) : address;
    }

    /**
     * An address to connect to: a host name or IP address and a port from 1 to 65535. The result is
     * unresolved (no DNS here): whoever connects resolves it, at each connect.
     */
    public static InetSocketAddress parse(String text) {
        Split s = split(text);
        if (!s.bracketed && s.host.contains(":")) {
            throw ipv6WithoutBrackets(text);
        }
        if (s.bracketed ? ipv6(s.host) == null : !NAME.matcher(s.host).matches()) {
            throw new IllegalArgumentException("must be HOST:PORT, got " + quote(text));
        }
        return InetSocketAddress.createUnresolved(s.host, port(text, s.port, 1));
    }

    /**
     * An address to listen on: an IP address (not a name, so binding never waits for DNS) and a
     * port from 0 to 65535, where 0 lets the system pick a free port (tests use that). The result
     * is resolved and can be bound as is.
     */
    public static InetSocketAddress parseBind(String text) {
        Split s = split(text);
        InetAddress ip = s.bracketed ? ipv6(s.host) : ipv4(s.host);
        if (ip == null) {
            throw s.host.contains(":") && !s.bracketed ? ipv6WithoutBrackets(text)
                    : new IllegalArgumentException("must be IP:PORT with an IP address such as 0.0.0.0 or [::], got " + quote(text));
        }
        return new InetSocketAddress(ip, port(text, s.port, 0));
    }

    /** A port from {@code min} to 65535 in decimal, or -1. */
    public static int port(String digits, int min) {
        if (!digits.matches("\\d{1,5}")) {
            return -1;
        }
        int port = Integer.parseInt(digits);
        return port >= min && port <= 65_535 ? port : -1;
    }

    /** Lowercase DNS name of one or more labels ({@code web}, {@code tunnel.example.org}). */
    public static boolean isDomain(String text) {
        return text.length() <= 253 && DOMAIN.matcher(text).matches();
    }

    private record Split(String host, String port, boolean bracketed) {}

    private static Split split(String text) {
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close > 0 && text.startsWith(":", close + 1)) {
                return new Split(text.substring(1, close), text.substring(close + 2), true);
            }
        } else {
            int colon = text.lastIndexOf(':');
            if (colon >= 0) {
                return new Split(text.substring(0, colon), text.substring(colon + 1), false);
            }
        }
        throw new IllegalArgumentException("must be HOST:PORT, got " + quote(text));
    }

    private static int port(String text, String digits, int min) {
        int port = port(digits, min);
        if (port < 0) {
            throw new IllegalArgumentException("must be HOST:PORT with a port from " + min + " to 65535, got " + quote(text));
        }
        return port;
    }

    private static IllegalArgumentException ipv6WithoutBrackets(String text) {
        return new IllegalArgumentException("must be HOST:PORT with an IPv6 host in brackets, like [::1]:7835, got " + quote(text));
    }

    private static InetAddress ipv4(String host) {
        Matcher m = IPV4.matcher(host);
        if (!m.matches()) {
            return null;
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            int octet = Integer.parseInt(m.group(i + 1));
            if (octet > 255) {
                return null;
            }
            b[i] = (byte) octet;
        }
        return address(b);
    }

    private static InetAddress ipv6(String host) {
        if (!IPV6.matcher(host).matches()) {
            return null;
        }
        try {
            // A text with ':' is parsed as an IPv6 literal and never looked up in DNS.
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static InetAddress address(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are an IPv4 address", e);
        }
    }
}
