package io.loomtunnel.internal.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/** A source is an IPv4 address or an IPv6 /64. */
class SourcesTest {
    @Test
    void ipv4IsTheAddress() throws Exception {
        assertEquals("192.0.2.7", Sources.of(InetAddress.getByName("192.0.2.7")));
        assertEquals("192.0.2.7", Sources.of(InetAddress.getByName("::ffff:192.0.2.7")), "IPv4-mapped");
    }

    @Test
    void ipv6IsItsSlash64() throws Exception {
        assertEquals("2001:db8:0:1::/64", Sources.of(InetAddress.getByName("2001:db8:0:1:aaaa:bbbb:cccc:dddd")));
        assertEquals(Sources.of(InetAddress.getByName("2001:db8:0:1::1")), Sources.of(InetAddress.getByName("2001:db8:0:1::2")));
        assertEquals("0:0:0:0::/64", Sources.of(InetAddress.getByName("::1")));
    }

    @Test
    void aSocketIsItsPeersSourceOrUnknown() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (ServerSocket server = new ServerSocket(0, 1, loopback);
             Socket client = new Socket(loopback, server.getLocalPort());
             Socket accepted = server.accept()) {
            assertEquals("127.0.0.1", Sources.of(accepted));
        }
        try (Socket unconnected = new Socket()) {
            assertEquals(Sources.UNKNOWN, Sources.of(unconnected));
        }
    }
}
