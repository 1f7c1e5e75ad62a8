package io.loomtunnel.internal.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.loomtunnel.tunnel.TunnelSpec;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TunnelFlagsTest {

    @Test
    void tcpAndUdpAreNamedAfterTheRemotePortElseTheLocalPort() {
        assertEquals(TunnelSpec.tcp("tcp-2222", 2222, "127.0.0.1", 22), TunnelFlags.tcp("2222:127.0.0.1:22"));
        assertEquals(TunnelSpec.tcp("tcp-22", 0, "localhost", 22), TunnelFlags.tcp("0:localhost:22"));
        assertEquals(TunnelSpec.udp("udp-5353", 5353, "::1", 53), TunnelFlags.udp("5353:[::1]:53"));
        assertEquals(TunnelSpec.udp("udp-53", 0, "fe80::1", 53), TunnelFlags.udp("0:[fe80::1]:53"));
    }

    @Test
    void httpIsNamedAfterTheHost() {
        assertEquals(TunnelSpec.http("web", "web", "127.0.0.1", 3000), TunnelFlags.http("web:127.0.0.1:3000"));
        assertEquals(TunnelSpec.http("app-example-com", "app.example.com", "::1", 8080), TunnelFlags.http("app.example.com:[::1]:8080"));
    }

    @Test
    void aNamePrefixNamesTheTunnel() {
        assertEquals(TunnelSpec.tcp("ssh", 0, "10.0.0.2", 22), TunnelFlags.tcp("ssh=0:10.0.0.2:22"));
        assertEquals(TunnelSpec.http("site", "example.org", "h", 80), TunnelFlags.http("site=example.org:h:80"));
    }

    @ParameterizedTest(name = "--{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            tcp  | 2222                 | must be [NAME=]REMOTE_PORT:LOCAL_HOST:LOCAL_PORT, got '2222'
            tcp  | =22:h:1              | must be [NAME=]REMOTE_PORT:LOCAL_HOST:LOCAL_PORT, got '=22:h:1'
            tcp  | 70000:h:22           | REMOTE_PORT must be 0 (the server picks) to 65535, got '70000'
            udp  | x:h:22               | REMOTE_PORT must be 0 (the server picks) to 65535, got 'x'
            tcp  | 22:localhost         | LOCAL_HOST:LOCAL_PORT must be HOST:PORT, got 'localhost'
            tcp  | 22:h:0               | LOCAL_HOST:LOCAL_PORT must be HOST:PORT with a port from 1 to 65535, got 'h:0'
            tcp  | 22:::1:22            | LOCAL_HOST:LOCAL_PORT must be HOST:PORT with an IPv6 host in brackets, like [::1]:7835, got '::1:22'
            tcp  | SSH=22:h:22          | tunnel name 'SSH' must be 1-63 lowercase letters, digits or '-'
            http | Web:h:80             | HOST must be NAME (served as NAME.DOMAIN) or a full domain, in lowercase, got 'Web'
            http | 80:h                 | LOCAL_HOST:LOCAL_PORT must be HOST:PORT, got 'h'
            """)
    void badFlags(String type, String text, String message) {
        Function<String, TunnelSpec> parser = switch (type) {
            case "tcp" -> TunnelFlags::tcp;
            case "udp" -> TunnelFlags::udp;
            default -> TunnelFlags::http;
        };
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> parser.apply(text)).getMessage());
    }
}
