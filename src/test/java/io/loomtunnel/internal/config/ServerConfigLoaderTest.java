package io.loomtunnel.internal.config;

import static io.loomtunnel.internal.config.ConfigTestFiles.ID_1;
import static io.loomtunnel.internal.config.ConfigTestFiles.secret;
import static io.loomtunnel.internal.config.ConfigTestFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.loomtunnel.server.Grant;
import io.loomtunnel.server.ServerSettings;
import io.loomtunnel.session.SetupLimits;
import io.loomtunnel.tunnel.PortRanges;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServerConfigLoaderTest {
    private static final String FULL = """
            bind = "0.0.0.0:7835"
            key = "/etc/loomtunnel/server.key"
            tokens_file = "tokens.txt"
            authorized_keys_file = "keys/authorized_keys"
            open_access = false
            allow_ports = "10000-20000,30000"
            http_bind = "[::]:8080"
            domain = "tunnel.example.org"
            allow_hosts = "web, *.tunnel.example.org,Shop.Example.com"
            [limits]
            max_clients = 10
            max_tunnels_per_client = 6
            max_streams_per_client = 100
            udp_idle_timeout = "90s"
            relay_max_per_peer = 3
            relay_bytes_per_second = 1048576
            tcp_idle_timeout = "5m"
            max_connections_per_source = 20
            udp_max_flows = 1000
            udp_max_flows_per_source = 50
            max_offers_per_principal = 64
            http_host_hold = "2h"
            [http]
            header_timeout = "5s"
            max_head_bytes = 16384
            idle_timeout = "20s"
            body_buffer_bytes = 131072
            body_timeout = "15s"
            send_timeout = "45s"
            min_body_rate = 8192
            upstream_timeout = "1m"
            max_connections_per_source = 32
            [control]
            max_setups = 512
            max_setups_per_source = 8
            first_byte_timeout = "2s"
            failures_before_penalty = 5
            penalty = "5m"
            max_sources = 100000
            report_interval = "30s"
            """;

    @TempDir Path dir;

    @Test
    void fullExampleLoadsEveryKey() throws IOException {
        secret(dir, "tokens.txt", "# CI runners\ns3cret 10000-20000,30000\nother\n");
        write(dir, "keys/authorized_keys", ID_1 + " 2222\n");
        ServerSettings s = load(write(dir, "server.toml", FULL), Map.of());

        ServerSettings.Builder expected = ServerSettings.builder();
        expected.setupLimits().maxSetups(512).maxSetupsPerSource(8).firstByteTimeout(Duration.ofSeconds(2))
                .failuresBeforePenalty(5).penalty(Duration.ofMinutes(5)).maxSources(100_000).reportInterval(Duration.ofSeconds(30));
        expected
                .bind(new InetSocketAddress("0.0.0.0", 7835))
                .keyFile(Path.of("/etc/loomtunnel/server.key"))
                .tokens(List.of(new Grant("s3cret", PortRanges.parse("10000-20000,30000")), new Grant("other", null)))
                .authorizedKey(ID_1, PortRanges.parse("2222"))
                .allowPorts(PortRanges.parse("10000-20000,30000"))
                .http(new InetSocketAddress("::", 8080), "tunnel.example.org")
                .maxClients(10).maxTunnelsPerClient(6).maxStreamsPerClient(100)
                .udpIdleTimeout(Duration.ofSeconds(90))
                .relayMaxPerPeer(3).relayRatePerPeer(1 << 20)
                .allowHosts(List.of("web", "*.tunnel.example.org", "shop.example.com"))
                .tcpIdleTimeout(Duration.ofMinutes(5)).maxConnectionsPerSource(20).udpMaxFlows(1000).udpMaxFlowsPerSource(50)
                .maxOffersPerPrincipal(64).httpHostHold(Duration.ofHours(2));
        expected.httpLimits().headerTimeout(Duration.ofSeconds(5)).maxHeadBytes(16384).idleTimeout(Duration.ofSeconds(20))
                .bodyBufferBytes(131072).bodyTimeout(Duration.ofSeconds(15)).sendTimeout(Duration.ofSeconds(45))
                .minBodyRate(8192).upstreamTimeout(Duration.ofMinutes(1)).maxConnectionsPerSource(32);
        assertEquals(expected.build(), s);
    }

    @Test
    void keysNotGivenKeepTheBuildersValues() throws IOException {
        ServerSettings s = load(write(dir, "server.toml", "open_access = true\n"), Map.of());
        ServerSettings defaults = ServerSettings.builder().openAccess(true).build();
        assertEquals(defaults, s);
    }

    @Test
    void relativePathsResolveAgainstTheConfigFilesDirectory() throws IOException {
        secret(dir, "conf/tokens.txt", "abc\n");
        ServerSettings s = load(write(dir, "conf/server.toml", "key = \"keys/server.key\"\ntokens_file = \"tokens.txt\"\n"), Map.of());
        assertEquals(dir.resolve("conf/keys/server.key"), s.keyFile());
        assertEquals(List.of(new Grant("abc", null)), s.tokens());
    }

    @Test
    void tildeMeansTheHomeDirectory() throws IOException {
        ServerSettings s = load(write(dir, "server.toml", "open_access = true\nkey = \"~/.loomtunnel/k\"\n"), Map.of());
        assertEquals(Path.of(System.getProperty("user.home"), ".loomtunnel/k"), s.keyFile());
    }

    @Test
    void environmentOverridesTheFile() throws IOException {
        secret(dir, "file-tokens.txt", "from-file\n");
        secret(dir, "env-tokens.txt", "from-env\n");
        Path toml = write(dir, "server.toml", "tokens_file = \"file-tokens.txt\"\nbind = \"0.0.0.0:1\"\ndomain = \"file.org\"\n"
                + "[limits]\nmax_clients = 5\nudp_idle_timeout = \"5s\"\n");
        ServerSettings s = load(toml, Map.of(
                "LOOMTUNNEL_TOKENS_FILE", dir.resolve("env-tokens.txt").toString(),
                "LOOMTUNNEL_BIND", " 127.0.0.1:2 ",
                "LOOMTUNNEL_LIMITS_MAX_CLIENTS", "7",
                "LOOMTUNNEL_LIMITS_UDP_IDLE_TIMEOUT", "2m",
                "LOOMTUNNEL_HTTP_MAX_CONNECTIONS_PER_SOURCE", "9",
                "LOOMTUNNEL_DOMAIN", "",
                "LOOMTUNNEL_SERVER", "ignored: the server has no such key"));
        assertEquals(List.of(new Grant("from-env", null)), s.tokens());
        assertEquals(new InetSocketAddress("127.0.0.1", 2), s.bind());
        assertEquals(7, s.maxClients());
        assertEquals(Duration.ofMinutes(2), s.udpIdleTimeout());
        assertEquals(9, s.httpLimits().maxConnectionsPerSource());
        assertEquals("file.org", s.domain(), "an empty variable counts as unset");
    }

    @Test
    void controlPortLimitsComeFromTheEnvironmentToo() {
        ServerSettings.Builder b = ServerSettings.builder().openAccess(true);
        ServerConfigLoader.apply(null, Map.of("LOOMTUNNEL_CONTROL_MAX_SETUPS_PER_SOURCE", "4",
                "LOOMTUNNEL_CONTROL_FAILURES_BEFORE_PENALTY", "0", "LOOMTUNNEL_CONTROL_FIRST_BYTE_TIMEOUT", "500ms"), b);
        SetupLimits limits = b.build().setupLimits();
        assertEquals(4, limits.maxSetupsPerSource());
        assertEquals(0, limits.failuresBeforePenalty(), "0 turns penalties off");
        assertEquals(Duration.ofMillis(500), limits.firstByteTimeout());
        assertEquals(SetupLimits.defaults().maxSetups(), limits.maxSetups());
    }

    @Test
    void fewerSourcesThanSetUpsIsRefusedWithTheReason() throws IOException {
        ServerSettings.Builder b = ServerSettings.builder().openAccess(true);
        ServerConfigLoader.apply(write(dir, "server.toml", "[control]\nmax_setups = 64\nmax_sources = 10\n"), Map.of(), b);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
        assertEquals("max sources (at least max set-ups) must be at least 64, got 10", e.getMessage());
    }

    @Test
    void environmentAloneWithoutAFile() {
        ServerSettings.Builder b = ServerSettings.builder();
        ServerConfigLoader.apply(null, Map.of("LOOMTUNNEL_OPEN_ACCESS", "true", "LOOMTUNNEL_ALLOW_PORTS", "3000-3010",
                "LOOMTUNNEL_HTTP_BIND", "0.0.0.0:0", "LOOMTUNNEL_KEY", "rel/server.key"), b);
        ServerSettings s = b.build();
        assertEquals(true, s.openAccess());
        assertEquals(PortRanges.parse("3000-3010"), s.allowPorts());
        assertEquals(new InetSocketAddress("0.0.0.0", 0), s.httpBind());
        assertEquals(Path.of("rel/server.key"), s.keyFile(), "relative to the working directory");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            bind = 7835                      | bind must be a string, got an integer
            bind = "localhost:7835"          | bind must be IP:PORT with an IP address such as 0.0.0.0 or [::], got 'localhost:7835'
            bind = "0.0.0.0"                 | bind must be HOST:PORT, got '0.0.0.0'
            bind = "::1:7835"                | bind must be HOST:PORT with an IPv6 host in brackets, like [::1]:7835, got '::1:7835'
            bind = "0.0.0.0:65536"           | bind must be HOST:PORT with a port from 0 to 65535, got '0.0.0.0:65536'
            http_bind = "1.2.3.256:80"       | http_bind must be IP:PORT with an IP address such as 0.0.0.0 or [::], got '1.2.3.256:80'
            key = ""                         | key must be a path, got ''
            key = "a\\u0000b"                | key must be a path, got 'a\\u0000b'
            open_access = "yes"              | open_access must be true or false, got a string
            allow_ports = "abc"              | allow_ports must be a port list like 10000-20000,30000 (ports 1 to 65535), got 'abc'
            allow_ports = "0-10"             | allow_ports must be a port list like 10000-20000,30000 (ports 1 to 65535), got '0-10'
            domain = "Tunnel.Example.org"    | domain must be a domain name of lowercase letters, digits, '-' and '.', got 'Tunnel.Example.org'
            domain = ["a"]                   | domain must be a string, got an array
            limits = 5                       | limits must be a table ([limits])
            limits.max_client = 5            | unknown key 'limits.max_client' (known: max_clients, max_tunnels_per_client, max_streams_per_client, udp_idle_timeout, relay_max_per_peer, relay_bytes_per_second, tcp_idle_timeout, max_connections_per_source, udp_max_flows, udp_max_flows_per_source, max_offers_per_principal, http_host_hold)
            bnd = "0.0.0.0:1"                | unknown key 'bnd' (known: bind, key, tokens_file, authorized_keys_file, open_access, allow_ports, allow_hosts, http_bind, domain, plugins, policies, https_bind, https, acme, http, limits, control, admin, metrics)
            "limits.max_clients" = 5         | unknown key 'limits.max_clients' (known: bind, key, tokens_file, authorized_keys_file, open_access, allow_ports, allow_hosts, http_bind, domain, plugins, policies, https_bind, https, acme, http, limits, control, admin, metrics)
            limits.max_clients = 0           | limits.max_clients must be an integer from 1 to 2147483647, got 0
            limits.max_clients = 2147483648  | limits.max_clients must be an integer from 1 to 2147483647, got 2147483648
            limits.max_clients = 99999999999999999999 | limits.max_clients must be an integer from 1 to 2147483647, got '99999999999999999999'
            limits.max_clients = 1.5         | limits.max_clients must be an integer, got a float
            limits.udp_idle_timeout = "0s"   | limits.udp_idle_timeout must be a duration above zero like 500ms, 30s, 5m or 2h, got '0s'
            limits.udp_idle_timeout = 60     | limits.udp_idle_timeout must be a string, got an integer
            allow_hosts = "web,a..b"         | allow_hosts must be host patterns like web,*.example.org: 'a..b' is not a host pattern (a name, a domain, *.DOMAIN or *)
            limits.http_host_hold = "0s"     | limits.http_host_hold must be a duration above zero like 500ms, 30s, 5m or 2h, got '0s'
            limits.udp_max_flows = 0         | limits.udp_max_flows must be an integer from 1 to 2147483647, got 0
            control.max_setups_per_source = 0 | control.max_setups_per_source must be an integer from 1 to 2147483647, got 0
            control.failures_before_penalty = -1 | control.failures_before_penalty must be an integer from 0 to 2147483647, got -1
            control.first_byte_timeout = "0s" | control.first_byte_timeout must be a duration above zero like 500ms, 30s, 5m or 2h, got '0s'
            control.max_setup = 5            | unknown key 'control.max_setup' (known: max_setups, max_setups_per_source, first_byte_timeout, failures_before_penalty, penalty, max_sources, report_interval)
            tokens_file = "missing.txt"      | tokens_file: <dir>/missing.txt: no such file
            tokens_file = "."                | tokens_file: <dir>/.: not a regular file
            """)
    void badValuesNameFileAndKey(String toml, String message) throws IOException {
        Path file = write(dir, "server.toml", toml + "\n");
        ConfigException e = assertThrows(ConfigException.class, () -> load(file, Map.of()));
        assertEquals(file + ": " + message.replace("<dir>", dir.toString()), e.getMessage());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            LOOMTUNNEL_BIND                     | nowhere          | must be HOST:PORT, got 'nowhere'
            LOOMTUNNEL_OPEN_ACCESS              | yes              | must be true or false, got 'yes'
            LOOMTUNNEL_LIMITS_MAX_STREAMS_PER_CLIENT | many        | must be an integer from 1 to 2147483647, got 'many'
            LOOMTUNNEL_LIMITS_UDP_IDLE_TIMEOUT  | 1 minute         | must be a duration above zero like 500ms, 30s, 5m or 2h, got '1 minute'
            LOOMTUNNEL_AUTHORIZED_KEYS_FILE     | /nonexistent/ak  | /nonexistent/ak: no such file
            """)
    void badEnvironmentNamesTheVariable(String name, String value, String message) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ServerConfigLoader.apply(null, Map.of(name, value), ServerSettings.builder()));
        assertEquals(name + ": " + message, e.getMessage());
    }

    @Test
    void tomlSyntaxErrorsNameFileAndLine() throws IOException {
        assertSyntaxError("bind = \"0.0.0.0:1\"\nkey = = \"k\"\n", "line 2: not valid TOML: Unknown token");
        assertSyntaxError("[limits]\nmax_clients = 1\n[limits]\n", "line 3: not valid TOML: Table redefined");
        assertSyntaxError("\nbind = \"unterminated\n", "line 2: not valid TOML: Newline not permitted here");
    }

    private void assertSyntaxError(String toml, String message) throws IOException {
        Path file = write(dir, "server.toml", toml);
        ConfigException e = assertThrows(ConfigException.class, () -> load(file, Map.of()));
        assertEquals(file + ": " + message, e.getMessage());
    }

    @Test
    void tokensFileErrorsNameTheKeyAndTheLine() throws IOException {
        secret(dir, "tokens.txt", "one\ntwo 1-2\nthree abc\n");
        Path file = write(dir, "server.toml", "tokens_file = \"tokens.txt\"\n");
        ConfigException e = assertThrows(ConfigException.class, () -> load(file, Map.of()));
        assertEquals(file + ": tokens_file: " + dir.resolve("tokens.txt")
                + ":3: 'abc' is not a port list like 10000-20000,30000 (ports 1 to 65535)", e.getMessage());
    }

    @Test
    void missingConfigFile() {
        Path file = dir.resolve("nope.toml");
        ConfigException e = assertThrows(ConfigException.class, () -> load(file, Map.of()));
        assertEquals(file + ": no such file", e.getMessage());
    }

    private static ServerSettings load(Path toml, Map<String, String> env) {
        ServerSettings.Builder b = ServerSettings.builder();
        ServerConfigLoader.apply(toml, env, b);
        return b.build();
    }
}
