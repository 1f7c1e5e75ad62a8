package io.loomtunnel.internal.https;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the HTTPS listener needs of a TLS ClientHello (RFC 8446 4.1.2): the server name it asks for
 * (RFC 6066 3; null without one) and the application protocols it offers (RFC 7301; empty without).
 * {@link #parse} is strict: every length must fit exactly, no extension twice, at most one host
 * name, which must be a DNS name; anything else is refused rather than guessed at.
 *
 * @param serverName the SNI host name, lowercased, or null
 * @param protocols the ALPN protocol names offered, in the client's order
 */
public record ClientHello(String serverName, List<String> protocols) {
    private static final int EXT_SERVER_NAME = 0;
    private static final int EXT_ALPN = 16;
    private static final Pattern DNS_NAME = Pattern.compile(
            "[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*");

    public ClientHello {
        protocols = List.copyOf(protocols);
    }

    /**
     * Parses the body of a ClientHello handshake message (after its 4-byte handshake header).
     *
     * @throws NotAClientHelloException for anything that is not a well-formed ClientHello
     */
    public static ClientHello parse(byte[] body) throws NotAClientHelloException {
        Reader r = new Reader(body, 0, body.length);
        int version = r.u16();
        if (version >> 8 != 3) {
            throw new NotAClientHelloException("not a TLS ClientHello: version " + Integer.toHexString(version));
        }
        r.skip(32); // random
        r.vector(1, 0, 32); // legacy session id
        Reader suites = r.vector(2, 2, 65_534);
        if (suites.remaining() % 2 != 0) {
            throw new NotAClientHelloException("odd cipher suite list");
        }
        r.vector(1, 1, 255); // compression methods
        String name = null;
        List<String> protocols = List.of();
        if (r.remaining() > 0) {
            Reader extensions = r.vector(2, 0, 65_535);
            Set<Integer> seen = new HashSet<>();
            while (extensions.remaining() > 0) {
                int type = extensions.u16();
                Reader data = extensions.vector(2, 0, 65_535);
                if (!seen.add(type)) {
                    throw new NotAClientHelloException("extension " + type + " twice");
                }
                if (type == EXT_SERVER_NAME) {
                    name = serverName(data);
                } else if (type == EXT_ALPN) {
                    protocols = protocols(data);
                }
            }
        }
        r.end();
        return new ClientHello(name, protocols);
    }

    private static String serverName(Reader data) throws NotAClientHelloException {
        Reader list = data.vector(2, 1, 65_535);
        data.end();
        String name = null;
        while (list.remaining() > 0) {
            int type = list.u8();
            Reader value = list.vector(2, 1, 65_535);
            if (type != 0) {
                continue; // other name types are defined as skippable (RFC 6066 3)
            }
            if (name != null) {
                throw new NotAClientHelloException("two host names");
            }
            String text = value.rest().toLowerCase(Locale.ROOT);
            if (text.length() > 253 || !DNS_NAME.matcher(text).matches()) {
                throw new NotAClientHelloException("server name is not a DNS name");
            }
            name = text;
        }
        return name;
    }

    private static List<String> protocols(Reader data) throws NotAClientHelloException {
        Reader list = data.vector(2, 2, 65_535);
        data.end();
        List<String> out = new ArrayList<>();
        while (list.remaining() > 0) {
            out.add(list.vector(1, 1, 255).rest());
        }
        return out;
    }

    /** A bounds-checked cursor over a slice of the message. */
    private static final class Reader {
        private final byte[] b;
        private int at;
        private final int end;

        Reader(byte[] b, int from, int end) {
            this.b = b;
            this.at = from;
            this.end = end;
        }

        int remaining() {
            return end - at;
        }

        int u8() throws NotAClientHelloException {
            need(1);
            return b[at++] & 0xff;
        }

        int u16() throws NotAClientHelloException {
            need(2);
            int v = (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
            at += 2;
            return v;
        }

        void skip(int n) throws NotAClientHelloException {
            need(n);
            at += n;
        }

        /** A length-prefixed vector ({@code lengthBytes} of length) of {@code min} to {@code max} bytes. */
        Reader vector(int lengthBytes, int min, int max) throws NotAClientHelloException {
            int n = lengthBytes == 1 ? u8() : u16();
            if (n < min || n > max) {
                throw new NotAClientHelloException("a length of " + n + " out of range");
            }
            need(n);
            Reader v = new Reader(b, at, at + n);
            at += n;
            return v;
        }

        String rest() {
            String s = new String(b, at, end - at, StandardCharsets.ISO_8859_1);
            at = end;
            return s;
        }

        void end() throws NotAClientHelloException {
            if (at != end) {
                throw new NotAClientHelloException("trailing bytes");
            }
        }

        private void need(int n) throws NotAClientHelloException {
            if (n > end - at) {
                throw new NotAClientHelloException("truncated");
            }
        }
    }
}
