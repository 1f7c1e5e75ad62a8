package io.loomtunnel.internal.config;

import static io.loomtunnel.internal.config.ConfigTestFiles.secret;
import static io.loomtunnel.internal.config.ConfigTestFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.client.ClientSettings;
import io.loomtunnel.observe.ObserveSettings;
import io.loomtunnel.server.ServerSettings;
import io.loomtunnel.tls.PeerId;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The [admin] and [metrics] keys of server and client files, their variables, and LOOMTUNNEL_ADMIN_TOKEN. */
class ObserveKeysTest {
    private static final String OBSERVE = """
            [admin]
            bind = "127.0.0.1:9090"
            token_file = "admin-token.txt"
            allowed_hosts = "admin.example.org, admin.internal"
            auth_fail_penalty = "10s"
            penalty_limit = "1m"
            [metrics]
            json_file = "metrics.jsonl"
            interval = "30s"
            otlp_endpoint = "http://127.0.0.1:4318/v1/metrics"
            """;

    @TempDir Path dir;

    @Test
    void serverAndClientFilesLoadTheSameKeys() throws IOException {
        secret(dir, "admin-token.txt", "adm1n\n");
        ServerSettings.Builder server = ServerSettings.builder().token("t");
        ServerConfigLoader.apply(write(dir, "server.toml", OBSERVE), Map.of(), server);
        ClientSettings.Builder client = ClientSettings.builder(InetSocketAddress.createUnresolved("h", 1),
                PeerId.parse(ConfigTestFiles.ID_1));
        ClientConfigLoader.apply(write(dir, "client.toml", OBSERVE), Map.of(), client);
        for (ObserveSettings o : new ObserveSettings[] {server.build().observe(), client.build().observe()}) {
            assertEquals(new InetSocketAddress("127.0.0.1", 9090), o.adminBind());
            assertEquals("adm1n", o.adminToken());
            assertEquals(List.of("admin.example.org", "admin.internal"), o.adminAllowedHosts());
            assertEquals(Duration.ofSeconds(10), o.adminAuthFailPenalty());
            assertEquals(Duration.ofMinutes(1), o.adminPenaltyLimit());
            assertEquals(dir.resolve("metrics.jsonl"), o.metricsJson());
            assertEquals(Duration.ofSeconds(30), o.interval());
            assertEquals(URI.create("http://127.0.0.1:4318/v1/metrics"), o.otlpEndpoint());
        }
    }

    @Test
    void variablesOverrideTheFileAndTheAdminTokenCanComeWhole() throws IOException {
        ServerSettings.Builder b = ServerSettings.builder().token("t");
        ServerConfigLoader.apply(write(dir, "server.toml", "[metrics]\ninterval = \"30s\"\n"), Map.of(
                "LOOMTUNNEL_METRICS_INTERVAL", "5s", "LOOMTUNNEL_ADMIN_BIND", "0.0.0.0:9191",
                "LOOMTUNNEL_ADMIN_TOKEN", "from-env"), b);
        ObserveSettings o = b.build().observe();
        assertEquals(Duration.ofSeconds(5), o.interval());
        assertEquals(new InetSocketAddress("0.0.0.0", 9191), o.adminBind());
        ServerSettings.Builder named = ServerSettings.builder().token("t");
        ServerConfigLoader.apply(null, Map.of("LOOMTUNNEL_ADMIN_ALLOWED_HOSTS", "admin.example.org"), named);
        assertEquals(List.of("admin.example.org"), named.build().observe().adminAllowedHosts());
        assertEquals("from-env", o.adminToken());
        assertNull(ServerSettings.builder().token("t").build().observe().adminBind(), "off by default");
    }

    @Test
    void badKeysAndValuesAreOneLineErrors() throws IOException {
        assertEquals(dir.resolve("s.toml") + ": unknown key 'admin.port' (known: bind, token_file, allowed_hosts,"
                + " auth_fail_penalty, penalty_limit)", error("[admin]\nport = 1\n"));
        assertEquals(dir.resolve("s.toml") + ": admin.allowed_hosts must be domain names of lowercase letters, digits, '-' and '.',"
                + " separated by commas, got 'evil.example:80'", error("[admin]\nallowed_hosts = \"a.example, evil.example:80\"\n"));
        assertEquals(dir.resolve("s.toml") + ": metrics.otlp_endpoint must be an http:// or https:// URL, got 'ftp://x'",
                error("[metrics]\notlp_endpoint = \"ftp://x\"\n"));
        assertEquals(dir.resolve("s.toml") + ": metrics.interval must be a duration above zero like 500ms, 30s, 5m or 2h, got '0s'",
                error("[metrics]\ninterval = \"0s\"\n"));
        write(dir, "open-token.txt", "adm1n\n");
        assertTrue(error("[admin]\ntoken_file = \"open-token.txt\"\n").contains("chmod 600"));
        ConfigException both = assertThrows(ConfigException.class, () -> ServerConfigLoader.apply(null, Map.of(
                "LOOMTUNNEL_ADMIN_TOKEN", "a", "LOOMTUNNEL_ADMIN_TOKEN_FILE", "f"), ServerSettings.builder()));
        assertEquals("LOOMTUNNEL_ADMIN_TOKEN: set together with LOOMTUNNEL_ADMIN_TOKEN_FILE; keep one", both.getMessage());
    }

    private String error(String toml) throws IOException {
        Path file = write(dir, "s.toml", toml);
        return assertThrows(ConfigException.class, () -> ServerConfigLoader.apply(file, Map.of(), ServerSettings.builder()))
                .getMessage();
    }
}
