package io.loomtunnel.internal.policies;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The PROXY protocol header (HAProxy's proxy-protocol.txt, versions 1 and 2) that tells a local
 * service the visitor's real address: the first bytes it reads on a TCP tunnel's connection.
 * Both ends IPv4 give TCP4 / AF_INET; otherwise both are written as IPv6 (an IPv4 end as its
 * IPv4-mapped form), as the spec requires the two to share a family.
 */
public final class ProxyHeader {
    /** Version 2's twelve-byte signature. */
    static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private ProxyHeader() {}

    /** Which version to write. */
    public enum Version { V1, V2 }

    /** The header for a connection from {@code source} (the visitor) to {@code destination} (the public port). */
    public static byte[] encode(Version version, InetSocketAddress source, InetSocketAddress destination) {
        return version == Version.V1 ? v1(source, destination) : v2(source, destination);
    }

    /** {@code PROXY TCP4 SRC DST SPORT DPORT\r\n}, at most 107 bytes. */
    public static byte[] v1(InetSocketAddress source, InetSocketAddress destination) {
        boolean four = bothFour(source, destination);
        String line = "PROXY " + (four ? "TCP4 " : "TCP6 ") + text(source.getAddress(), four) + " "
                + text(destination.getAddress(), four) + " " + source.getPort() + " " + destination.getPort() + "\r\n";
        return line.getBytes(StandardCharsets.US_ASCII);
    }

    /** The binary form: signature, version 2 PROXY command, TCP over AF_INET or AF_INET6, addresses and ports. */
    public static byte[] v2(InetSocketAddress source, InetSocketAddress destination) {
        boolean four = bothFour(source, destination);
        int length = four ? 12 : 36;
        ByteBuffer b = ByteBuffer.allocate(16 + length);
        b.put(V2_SIGNATURE);
        b.put((byte) 0x21); // version 2, PROXY
        b.put((byte) (four ? 0x11 : 0x21)); // AF_INET or AF_INET6, STREAM
        b.putShort((short) length);
        b.put(bytes(source.getAddress(), four));
        b.put(bytes(destination.getAddress(), four));
        b.putShort((short) source.getPort());
        b.putShort((short) destination.getPort());
        return b.array();
    }

    private static boolean bothFour(InetSocketAddress a, InetSocketAddress b) {
        return a.getAddress() instanceof Inet4Address && b.getAddress() instanceof Inet4Address;
    }

    private static byte[] bytes(InetAddress address, boolean four) {
        byte[] a = address.getAddress();
        if (four || a.length == 16) {
            return a;
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(a, 0, mapped, 12, 4);
        return mapped;
    }

    private static String text(InetAddress address, boolean four) {
        if (four) {
            return address.getHostAddress();
        }
        if (address instanceof Inet4Address) {
            return "::ffff:" + address.getHostAddress();
        }
        String s = address.getHostAddress();
        int scope = s.indexOf('%');
        return scope < 0 ? s : s.substring(0, scope); // a zone index is local to this host
    }
}
