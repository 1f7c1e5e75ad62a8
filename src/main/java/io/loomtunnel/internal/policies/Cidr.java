package io.loomtunnel.internal.policies;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32}); a bare
 * address is a network of one. IPv4-mapped IPv6 networks ({@code ::ffff:10.0.0.0/104}) are their
 * IPv4 networks, and IPv4-mapped visitor addresses match IPv4 networks, so a dual-stack listener
 * sees one rule for both forms. Host bits set beyond the prefix are refused, as a typo they
 * usually are.
 *
 * @param network the network's bytes, 4 or 16, host bits zero
 * @param prefix the prefix length
 */
public record Cidr(byte[] network, int prefix) {
    public Cidr {
        network = network.clone();
    }

    @Override
    public byte[] network() {
        return network.clone();
    }

    /**
     * Parses one network; never resolves a name.
     *
     * @throws PolicyException one line quoting the text
     */
    public static Cidr parse(String text) {
        String s = text.strip();
        int slash = s.indexOf('/');
        String host = slash < 0 ? s : s.substring(0, slash);
        byte[] bytes = literal(host);
        if (bytes == null) {
            throw new PolicyException("'" + printable(text) + "' is not an IP address or CIDR network");
        }
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = s.substring(slash + 1);
            if (!p.matches("\\d{1,3}") || Integer.parseInt(p) > bits) {
                throw new PolicyException("'" + printable(text) + "': the prefix length must be 0 to " + bits);
            }
            prefix = Integer.parseInt(p);
        }
        if (bytes.length == 16 && isMapped(bytes) && prefix >= 96) {
            bytes = Arrays.copyOfRange(bytes, 12, 16);
            prefix -= 96;
        }
        for (int i = prefix; i < bytes.length * 8; i++) {
            if ((bytes[i >> 3] & (0x80 >> (i & 7))) != 0) {
                throw new PolicyException("'" + printable(text) + "' has host bits set; did you mean "
                        + text(mask(bytes, prefix), prefix) + "?");
            }
        }
        return new Cidr(bytes, prefix);
    }

    /** Whether the address lies in this network (an IPv4-mapped IPv6 address as its IPv4 address). */
    public boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    boolean contains(byte[] address) {
        byte[] a = address.length == 16 && isMapped(address) ? Arrays.copyOfRange(address, 12, 16) : address;
        if (a.length != network.length) {
            return false;
        }
        int whole = prefix >> 3;
        for (int i = 0; i < whole; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix & 7;
        return rest == 0 || ((a[whole] ^ network[whole]) & (0xff00 >> rest)) == 0;
    }

    @Override
    public String toString() {
        return text(network, prefix);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefix;
    }

    private static byte[] literal(String host) {
        if (host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            byte[] b = new byte[4];
            String[] parts = host.split("\\.");
            for (int i = 0; i < 4; i++) {
                int v = Integer.parseInt(parts[i]);
                if (v > 255 || (parts[i].length() > 1 && parts[i].startsWith("0"))) {
                    return null; // no octal-looking parts: 010 is 8 to some parsers and 10 to others
                }
                b[i] = (byte) v;
            }
            return b;
        }
        // Only hex digits, colons and dots: InetAddress takes it as an IPv6 literal, never a name to resolve.
        if (host.indexOf(':') >= 0 && host.matches("[0-9A-Fa-f:.]{2,45}")) {
            try {
                byte[] b = InetAddress.getByName(host).getAddress();
                return b.length == 4 ? mappedPrefix(b) : b;
            } catch (UnknownHostException e) {
                return null;
            }
        }
        return null;
    }

    /** InetAddress turns {@code ::ffff:a.b.c.d} into an IPv4 address; keep it IPv6 so its prefix counts 128 bits. */
    private static byte[] mappedPrefix(byte[] v4) {
        byte[] b = new byte[16];
        b[10] = (byte) 0xff;
        b[11] = (byte) 0xff;
        System.arraycopy(v4, 0, b, 12, 4);
        return b;
    }

    private static boolean isMapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] m = bytes.clone();
        for (int i = prefix; i < m.length * 8; i++) {
            m[i >> 3] &= (byte) ~(0x80 >> (i & 7));
        }
        return m;
    }

    private static String text(byte[] bytes, int prefix) {
        try {
            String host = InetAddress.getByAddress(bytes).getHostAddress();
            if (bytes.length == 16 && InetAddress.getByAddress(bytes) instanceof Inet4Address) {
                host = "::ffff:" + host;
            }
            return host + "/" + prefix;
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes", e);
        }
    }

    static String printable(String text) {
        String s = text.length() > 60 ? text.substring(0, 60) + "..." : text;
        return s.replaceAll("[\\p{Cc}]", "?");
    }
}
