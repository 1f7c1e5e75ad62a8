package io.loomtunnel.internal.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostPortTest {

    @ParameterizedTest
    @CsvSource({
        "tunnel.example.org:7835, tunnel.example.org, 7835",
        "127.0.0.1:1,             127.0.0.1,          1",
        "[::1]:65535,             ::1,                65535",
        "[fe80::1:2]:80,          fe80::1:2,          80",
        "my_host-1:22,            my_host-1,          22",
    })
    void parsesConnectAddressesUnresolved(String text, String host, int port) {
        InetSocketAddress a = HostPort.parse(text);
        assertTrue(a.isUnresolved(), "no DNS while parsing");
        assertEquals(host, a.getHostString());
        assertEquals(port, a.getPort());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            localhost          | must be HOST:PORT, got 'localhost'
            :80                | must be HOST:PORT, got ':80'
            host:              | must be HOST:PORT with a port from 1 to 65535, got 'host:'
            host:0             | must be HOST:PORT with a port from 1 to 65535, got 'host:0'
            host:65536         | must be HOST:PORT with a port from 1 to 65535, got 'host:65536'
            host:+80           | must be HOST:PORT with a port from 1 to 65535, got 'host:+80'
            ::1:80             | must be HOST:PORT with an IPv6 host in brackets, like [::1]:7835, got '::1:80'
            [::1]80            | must be HOST:PORT, got '[::1]80'
            [not:v6]:80        | must be HOST:PORT, got '[not:v6]:80'
            [1.2.3.4]:80       | must be HOST:PORT, got '[1.2.3.4]:80'
            ' host:80'         | must be HOST:PORT, got ' host:80'
            user@host:80       | must be HOST:PORT, got 'user@host:80'
            """)
    void rejectsBadConnectAddresses(String text, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> HostPort.parse(text)).getMessage());
    }

    @Test
    void bindAddressesAreResolvedIpLiteralsAndMayUsePortZero() throws Exception {
        InetSocketAddress v4 = HostPort.parseBind("0.0.0.0:0");
        assertFalse(v4.isUnresolved());
        assertEquals(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0), v4);
        assertEquals(new InetSocketAddress(InetAddress.getByName("::"), 7835), HostPort.parseBind("[::]:7835"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            localhost:80       | must be IP:PORT with an IP address such as 0.0.0.0 or [::], got 'localhost:80'
            1.2.3:80           | must be IP:PORT with an IP address such as 0.0.0.0 or [::], got '1.2.3:80'
            256.0.0.1:80       | must be IP:PORT with an IP address such as 0.0.0.0 or [::], got '256.0.0.1:80'
            ::1:80             | must be HOST:PORT with an IPv6 host in brackets, like [::1]:7835, got '::1:80'
            0.0.0.0:65536      | must be HOST:PORT with a port from 0 to 65535, got '0.0.0.0:65536'
            """)
    void rejectsBadBindAddresses(String text, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> HostPort.parseBind(text)).getMessage());
    }

    @Test
    void addressesPrintAsTheyWereWrittenNeverAsInetSocketAddressToString() throws Exception {
        assertEquals("127.0.0.1:1", HostPort.text(HostPort.parse("127.0.0.1:1")));
        assertEquals("tunnel.example.org:7835", HostPort.text(HostPort.parse("tunnel.example.org:7835")));
        assertEquals("[::1]:7835", HostPort.text(HostPort.parse("[::1]:7835")));
        assertEquals("127.0.0.1:9", HostPort.text(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9)));
    }

    @Test
    void messagesEscapeControlCharactersAndCutLongValues() {
        assertEquals("must be HOST:PORT, got 'a\\u000ab'",
                assertThrows(IllegalArgumentException.class, () -> HostPort.parse("a\nb")).getMessage());
        assertEquals("must be HOST:PORT, got 'a\\u0087b'",
                assertThrows(IllegalArgumentException.class, () -> HostPort.parse("a\u0087b")).getMessage());
        String longHost = "x".repeat(100);
        assertEquals("must be HOST:PORT, got '" + "x".repeat(64) + "…'",
                assertThrows(IllegalArgumentException.class, () -> HostPort.parse(longHost)).getMessage());
    }
}
