package io.loomtunnel.internal.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostPatternsTest {
    @ParameterizedTest(name = "{0} takes in {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            *                  | bank.example.com    | true
            *.example.org      | a.example.org       | true
            *.example.org      | a.b.example.org     | true
            *.example.org      | example.org         | false
            *.example.org      | aexample.org        | false
            shop               | shop.tunnel.test    | true
            shop               | shop                | false
            shop.example.org   | shop.example.org    | true
            shop.example.org   | a.shop.example.org  | false
            *.tunnel.test      | web.tunnel.test     | true
            """)
    void patternsTakeInTheirHosts(String pattern, String host, boolean allowed) {
        assertEquals(allowed, HostPatterns.allows(HostPatterns.parseList(pattern), host, "tunnel.test"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a..b        | 'a..b' is not a host pattern (a name, a domain, *.DOMAIN or *)
            *.*         | '*.*' is not a host pattern (a name, a domain, *.DOMAIN or *)
            web-*       | 'web-*' is not a host pattern (a name, a domain, *.DOMAIN or *)
            'a,,b'      | '' is not a host pattern (a name, a domain, *.DOMAIN or *)
            """)
    void anythingElseIsRefusedWithItsText(String text, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> HostPatterns.parseList(text)).getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            Shop.Example.ORG, *.Dev.Example.org , WEB | shop.example.org;*.dev.example.org;web
            """)
    void patternsAreKeptInLowerCase(String text, String expected) {
        assertEquals(List.of(expected.split(";")), HostPatterns.parseList(text));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            shop               | shop.tunnel.test
            shop.example.org   | shop.example.org
            *.example.org      |
            *                  |
            """)
    void onlyExactPatternsNameOneHost(String pattern, String host) {
        assertEquals(host, HostPatterns.exactHost(pattern, "tunnel.test"));
    }
}
