package io.loomtunnel.internal.policies;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** PROXY v1 and v2 headers, byte for byte as HAProxy's proxy-protocol.txt gives them. */
class ProxyHeaderTest {
    private static InetSocketAddress at(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    @Test
    void version1() throws Exception {
        assertEquals("PROXY TCP4 192.0.2.7 198.51.100.1 56324 443\r\n",
                new String(ProxyHeader.v1(at("192.0.2.7", 56324), at("198.51.100.1", 443)), StandardCharsets.US_ASCII));
        assertEquals("PROXY TCP6 2001:db8:0:0:0:0:0:1 ::ffff:198.51.100.1 1 65535\r\n",
                new String(ProxyHeader.v1(at("2001:db8::1", 1), at("198.51.100.1", 65535)), StandardCharsets.US_ASCII));
    }

    @Test
    void version2() throws Exception {
        assertEquals("0d0a0d0a000d0a515549540a" + "21" + "11" + "000c" + "c0000207" + "c6336401" + "dc04" + "01bb",
                HexFormat.of().formatHex(ProxyHeader.v2(at("192.0.2.7", 56324), at("198.51.100.1", 443))));
        byte[] six = ProxyHeader.v2(at("2001:db8::1", 1), at("::1", 2));
        assertEquals(16 + 36, six.length);
        assertEquals(0x21, six[13]);
        assertArrayEquals(InetAddress.getByName("2001:db8::1").getAddress(), java.util.Arrays.copyOfRange(six, 16, 32));
    }
}
