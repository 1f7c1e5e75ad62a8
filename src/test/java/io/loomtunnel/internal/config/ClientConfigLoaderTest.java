package io.loomtunnel.internal.config;

import static io.loomtunnel.internal.config.ConfigTestFiles.ID_1;
import static io.loomtunnel.internal.config.ConfigTestFiles.ID_2;
import static io.loomtunnel.internal.config.ConfigTestFiles.secret;
import static io.loomtunnel.internal.config.ConfigTestFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.loomtunnel.client.ClientSettings;
import io.loomtunnel.tls.PeerId;
import io.loomtunnel.tunnel.TunnelSpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClientConfigLoaderTest {
    private static final String FULL = """
            server = "tunnel.example.org:7835"
            server_id = "%s"
            token_file = "token.txt"
            key = "client.key"
            reconnect = false

            [[tunnels]]
            name = "web"
            type = "http"
            local = "127.0.0.1:3000"
            host = "web"

            [[tunnels]]
            name = "ssh"
            type = "tcp"
            local = "[::1]:22"
            remote_port = 2222

            [[tunnels]]
            name = "dns"
            type = "udp"
            local = "localhost:53"
            """.formatted(ID_1);

    @TempDir Path dir;

    @Test
    void fullExampleLoadsEveryKey() throws IOException {
        secret(dir, "token.txt", "# issued 2024\ns3cret\n");
        ClientSettings s = load(write(dir, "client.toml", FULL), Map.of());

        ClientSettings expected = ClientSettings.builder(InetSocketAddress.createUnresolved("tunnel.example.org", 7835), PeerId.parse(ID_1))
                .token("s3cret")
                .keyFile(dir.resolve("client.key"))
                .reconnect(false)
                .tunnel(TunnelSpec.http("web", "web", "127.0.0.1", 3000))
                .tunnel(TunnelSpec.tcp("ssh", 2222, "::1", 22))
                .tunnel(TunnelSpec.udp("dns", 0, "localhost", 53))
                .build();
        assertEquals(expected, s);
    }

    @Test
    void environmentOverridesTheFile() throws IOException {
        secret(dir, "token.txt", "from-file\n");
        Path toml = write(dir, "client.toml", "server = \"a.example:1\"\nserver_id = \"" + ID_1 + "\"\ntoken_file = \"token.txt\"\nreconnect = true\n");
        ClientSettings s = load(toml, Map.of(
                "LOOMTUNNEL_SERVER", "b.example:2",
                "LOOMTUNNEL_SERVER_ID", ID_2.toUpperCase(),
                "LOOMTUNNEL_TOKEN", " from-env\n",
                "LOOMTUNNEL_RECONNECT", "false",
                "LOOMTUNNEL_KEY", "/k"));
        assertEquals(InetSocketAddress.createUnresolved("b.example", 2), s.server());
        assertEquals(PeerId.parse(ID_2), s.serverId());
        assertEquals("from-env", s.token());
        assertEquals(false, s.reconnect());
        assertEquals(Path.of("/k"), s.keyFile());
    }

    @Test
    void tokenFileFromTheEnvironment() throws IOException {
        Path token = secret(dir, "t.txt", "env-file-token # comment\n");
        ClientSettings s = load(null, Map.of("LOOMTUNNEL_SERVER", "h:1", "LOOMTUNNEL_SERVER_ID", ID_1,
                "LOOMTUNNEL_TOKEN_FILE", token.toString()));
        assertEquals("env-file-token", s.token());
    }

    @Test
    void tokenAndTokenFileInTheEnvironmentConflict() {
        ConfigException e = assertThrows(ConfigException.class, () -> load(null,
                Map.of("LOOMTUNNEL_TOKEN", "x", "LOOMTUNNEL_TOKEN_FILE", "t.txt")));
        assertEquals("LOOMTUNNEL_TOKEN: set together with LOOMTUNNEL_TOKEN_FILE; keep one", e.getMessage());
    }

    @Test
    void tokenInTheEnvironmentIsNeverQuoted() {
        ConfigException e = assertThrows(ConfigException.class, () -> load(null, Map.of("LOOMTUNNEL_TOKEN", "sec ret")));
        assertEquals("LOOMTUNNEL_TOKEN: a token cannot contain whitespace", e.getMessage());
    }

    @Test
    void tokenFileReadableByOthersIsRefused() throws IOException {
        Path token = write(dir, "token.txt", "s3cret\n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));
        Path toml = write(dir, "client.toml", "token_file = \"token.txt\"\n");
        ConfigException e = assertThrows(ConfigException.class, () -> load(toml, Map.of()));
        assertEquals(toml + ": token_file: " + token + ": holds secrets but is readable by others (mode 0644); run chmod 600 " + token,
                e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            server = "localhost"                               | server must be HOST:PORT, got 'localhost'
            server = "host:0"                                  | server must be HOST:PORT with a port from 1 to 65535, got 'host:0'
            server_id = "abc"                                  | server_id must be a key id (loomtunnel id): peer id must be 52 base32 characters, got 3
            reconnect = 1                                      | reconnect must be true or false, got an integer
            token = "s3cret"                                   | unknown key 'token' (known: server, server_id, token_file, key, reconnect, inspect, inspect_body_cap, inspect_unmask, plugins, policies, tunnels, admin, metrics)
            tunnels = "web"                                    | tunnels must be an array of tables ([[tunnels]]), got a string
            tunnels = [1]                                      | tunnels[1] must be a table, got an integer
            [[tunnels]]\\nname = "a"\\nport = 1                | unknown key 'tunnels[1].port' (known: name, type, local, host, remote_port, inspect, policies, passthrough, local_protocol)
            [[tunnels]]\\ntype = "tcp"\\nlocal = "h:1"          | tunnels[1].name is missing
            [[tunnels]]\\nname = "a"\\nlocal = "h:1"            | tunnels[1].type is missing (tcp, udp or http)
            [[tunnels]]\\nname = "a"\\ntype = "tcp"             | tunnels[1].local is missing (HOST:PORT of the service next to the client)
            [[tunnels]]\\nname = "Web"                         | tunnels[1].name must be 1-63 lowercase letters, digits or '-' (not first or last), got 'Web'
            [[tunnels]]\\ntype = "sctp"                        | tunnels[1].type must be tcp, udp or http, got 'sctp'
            [[tunnels]]\\nlocal = "localhost"                  | tunnels[1].local must be HOST:PORT, got 'localhost'
            [[tunnels]]\\nremote_port = 70000                  | tunnels[1].remote_port must be an integer from 0 to 65535, got 70000
            [[tunnels]]\\nhost = "Web"                         | tunnels[1].host must be a domain name of lowercase letters, digits, '-' and '.', got 'Web'
            [[tunnels]]\\nname = "a"\\ntype = "http"\\nlocal = "h:1" | tunnels[1].host is missing (an http tunnel needs NAME, served as NAME.DOMAIN, or a full domain)
            [[tunnels]]\\nname = "a"\\ntype = "http"\\nlocal = "h:1"\\nhost = "a"\\nremote_port = 0 | tunnels[1].remote_port is only for tcp and udp tunnels
            [[tunnels]]\\nname = "a"\\ntype = "udp"\\nlocal = "h:1"\\nhost = "a" | tunnels[1].host is only for http tunnels
            [[tunnels]]\\nname = "a"\\ntype = "tcp"\\nlocal = "h:1"\\ninspect = false | tunnels[1].inspect is only for http tunnels (the request inspector reads HTTP)
            [[tunnels]]\\nlocal_protocol = "h2"                | tunnels[1].local_protocol must be "http1" or "h2c" (HTTP/2 with prior knowledge, as gRPC services speak), got 'h2'
            [[tunnels]]\\nname = "a"\\ntype = "tcp"\\nlocal = "h:1"\\nlocal_protocol = "h2c" | tunnels[1].local_protocol is only for http tunnels
            [[tunnels]]\\nname = "a"\\ntype = "http"\\nlocal = "h:1"\\nhost = "a"\\npassthrough = true\\nlocal_protocol = "h2c" | tunnels[1].local_protocol cannot be "h2c" with passthrough (the server passes TLS through untouched)
            inspect_body_cap = "lots"                          | inspect_body_cap must be a size from 0 to 16777216 bytes like 65536, 64KiB or 1MiB, got 'lots'
            inspect_body_cap = 20000000                        | inspect_body_cap must be an integer from 0 to 16777216, got 20000000
            [[tunnels]]\\nname = "a"\\ntype = "tcp"\\nlocal = "h:1"\\n[[tunnels]]\\nname = "a"\\ntype = "udp"\\nlocal = "h:2" | tunnels[2].name is 'a' again (tunnel names must be unique)
            policies = "test"                                  | policies must be an array of tables like [{ type = "basic-auth", ... }]
            [[tunnels]]\\nname = "a"\\npolicies = [{ mode = "x" }]   | tunnels[1].policies[1].type is missing
            [[tunnels]]\\nname = "a"\\npolicies = [{ type = "Bad" }] | tunnels[1].policies[1].type must be a policy type name (lowercase letters, digits, '-')
            """)
    void badValuesNameFileAndKey(String toml, String message) throws IOException {
        Path file = write(dir, "client.toml", toml.replace("\\n", "\n") + "\n");
        ConfigException e = assertThrows(ConfigException.class, () -> load(file, Map.of()));
        assertEquals(file + ": " + message, e.getMessage());
    }

    @Test
    void inspectorKeysAndATunnelLeftOut() throws IOException {
        Path toml = write(dir, "client.toml", """
                inspect_body_cap = "1MiB"
                inspect_unmask = true

                [[tunnels]]
                name = "web"
                type = "http"
                local = "127.0.0.1:3000"
                host = "web"
                inspect = false
                """);
        assertEquals(new ClientSettings.Inspection(true, java.util.Set.of("web"), 1 << 20, true), load(toml, Map.of()).inspection());
        assertEquals(new ClientSettings.Inspection(false, java.util.Set.of("web"), 4096, true),
                load(toml, Map.of("LOOMTUNNEL_INSPECT", "false", "LOOMTUNNEL_INSPECT_BODY_CAP", "4096")).inspection());
    }

    @Test
    void localProtocolH2cMarksTheTunnel() throws IOException {
        Path toml = write(dir, "client.toml", """
                [[tunnels]]
                name = "grpc"
                type = "http"
                local = "127.0.0.1:50051"
                host = "grpc"
                local_protocol = "h2c"

                [[tunnels]]
                name = "web"
                type = "http"
                local = "127.0.0.1:3000"
                host = "web"
                local_protocol = "http1"
                """);
        assertEquals(java.util.Set.of("grpc"), load(toml, Map.of()).h2cTunnels());
    }

    @Test
    void emptyTokenFileIsRefused() throws IOException {
        Path token = secret(dir, "token.txt", "# nothing yet\n\n");
        Path toml = write(dir, "client.toml", "token_file = \"token.txt\"\n");
        ConfigException e = assertThrows(ConfigException.class, () -> load(toml, Map.of()));
        assertEquals(toml + ": token_file: " + token + ": no token in the file (it is empty or only comments)", e.getMessage());
    }

    @Test
    void fileTunnelsReplaceTheBuilders() throws IOException {
        ClientSettings.Builder b = ClientSettings.builder(InetSocketAddress.createUnresolved("h", 1), PeerId.parse(ID_1))
                .tunnel(TunnelSpec.tcp("old", 1, "h", 1));
        ClientConfigLoader.apply(write(dir, "client.toml", "tunnels = []\n"), Map.of(), b);
        assertEquals(List.of(), b.build().tunnels());
    }

    /** Loads with server and id defaulted, so that a test may leave them out. */
    private static ClientSettings load(Path toml, Map<String, String> env) {
        ClientSettings.Builder b = ClientSettings.builder(InetSocketAddress.createUnresolved("default", 1), PeerId.parse(ID_2));
        ClientConfigLoader.apply(toml, env, b);
        return b.build();
    }
}
