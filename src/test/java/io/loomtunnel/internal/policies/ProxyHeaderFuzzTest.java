package io.loomtunnel.internal.policies;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The PROXY header encoder on arbitrary addresses and ports: version 1 is one ASCII line of at
 * most 107 bytes whose fields give the addresses back; version 2 has the signature, a length that
 * matches, and the addresses and ports byte for byte. Seeds (4 or 16 bytes each side and two
 * ports): src/test/resources/io/loomtunnel/internal/policies/ProxyHeaderFuzzTestInputs/encode/.
 */
class ProxyHeaderFuzzTest {
    @FuzzTest
    void encode(byte[] data) throws Exception {
        if (data.length < 5) {
            return;
        }
        ByteBuffer in = ByteBuffer.wrap(data);
        int flags = in.get();
        byte[] src = new byte[(flags & 1) == 0 ? 4 : 16];
        byte[] dst = new byte[(flags & 2) == 0 ? 4 : 16];
        if (in.remaining() < src.length + dst.length + 4) {
            return;
        }
        in.get(src).get(dst);
        InetSocketAddress source = new InetSocketAddress(InetAddress.getByAddress(src), in.getShort() & 0xffff);
        InetSocketAddress destination = new InetSocketAddress(InetAddress.getByAddress(dst), in.getShort() & 0xffff);

        byte[] v1 = ProxyHeader.v1(source, destination);
        String line = new String(v1, StandardCharsets.US_ASCII);
        assertTrue(v1.length <= 107 && line.endsWith("\r\n") && line.indexOf('\n') == line.length() - 1, line);
        String[] f = line.strip().split(" ");
        assertEquals(6, f.length, line);
        assertEquals(source.getAddress(), InetAddress.getByName(f[2]), line);
        assertEquals(destination.getAddress(), InetAddress.getByName(f[3]), line);
        assertEquals(source.getPort() + " " + destination.getPort(), f[4] + " " + f[5]);

        ByteBuffer v2 = ByteBuffer.wrap(ProxyHeader.v2(source, destination));
        byte[] sig = new byte[12];
        v2.get(sig);
        assertArrayEquals(ProxyHeader.V2_SIGNATURE, sig);
        assertEquals(0x21, v2.get());
        int family = v2.get();
        int length = v2.getShort();
        assertEquals(v2.remaining(), length);
        int size = family == 0x11 ? 4 : 16;
        assertEquals(family == 0x11 ? 12 : 36, length);
        byte[] a = new byte[size];
        byte[] b = new byte[size];
        v2.get(a).get(b);
        assertEquals(source.getAddress(), InetAddress.getByAddress(a));
        assertEquals(destination.getAddress(), InetAddress.getByAddress(b));
        assertEquals(source.getPort(), v2.getShort() & 0xffff);
        assertEquals(destination.getPort(), v2.getShort() & 0xffff);
        assertTrue(Arrays.equals(v1, ProxyHeader.encode(ProxyHeader.Version.V1, source, destination)));
    }
}
