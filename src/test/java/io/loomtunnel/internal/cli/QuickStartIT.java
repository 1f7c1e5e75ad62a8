package io.loomtunnel.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.internal.tunnel.EchoServers;
import io.loomtunnel.internal.tunnel.Probes;
import io.loomtunnel.tls.Identity;
import java.io.Closeable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ngrok-style quick start as real processes: `login` against one server process saves a
 * private client config under XDG_CONFIG_HOME, then `http PORT`, `tcp PORT` and `udp PORT` expose
 * local services through it; refused logins save nothing; without a saved server one line says
 * what to do.
 */
@Timeout(180)
class QuickStartIT {
    private static final Duration START = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    private static ReverseTunnelIT.Server server;
    private static int httpPort;
    private static String token;
    private static Map<String, String> loggedIn;

    @BeforeAll
    static void startServerAndLogIn() throws Exception {
        server = ReverseTunnelIT.server(dir, 0, "--http-bind", "127.0.0.1:0", "--domain", "localhost");
        httpPort = Integer.parseInt(server.process().await("http\\s+127\\.0\\.0\\.1:(\\d+)", START).group(1));
        token = Files.readAllLines(server.tokens()).stream().filter(l -> !l.startsWith("#")).findFirst().orElseThrow();
        loggedIn = user("saved");
        JarProcess login = JarProcess.startWithInput(token + "\n", loggedIn, "login", "127.0.0.1:" + server.controlPort(),
                "--server-id", server.id().toString()); // the token piped on standard input
        login.await("checked and saved 127\\.0\\.0\\.1:\\d+ in .*; try: loomtunnel http 3000", START);
        assertEquals(ExitCode.OK, login.exitCode(START), login.output());
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    /** A user of their own: HOME and XDG_CONFIG_HOME in fresh directories. */
    private static Map<String, String> user(String name) throws Exception {
        Path home = Files.createDirectories(dir.resolve(name).resolve("home"));
        return Map.of("HOME", home.toString(), "XDG_CONFIG_HOME", dir.resolve(name).resolve("xdg").toString());
    }

    private static Path savedDir(Map<String, String> user) {
        return Path.of(user.get("XDG_CONFIG_HOME"), "loomtunnel");
    }

    @Test
    void loginSavedAClientConfigAndTokenOnlyTheUserCanRead() throws Exception {
        Path saved = savedDir(loggedIn);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(saved)));
        for (String file : List.of("client.toml", "token")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(saved.resolve(file))), file);
        }
        String config = Files.readString(saved.resolve("client.toml"));
        assertTrue(config.contains("server_id = \"" + server.id() + "\""), config);
        assertTrue(config.contains("token_file = \"token\""), config);
        assertFalse(config.contains(token), "the token is in its own file, not the config");
        assertFalse(Files.exists(Path.of(loggedIn.get("HOME"), ".config")), "XDG_CONFIG_HOME wins over HOME");
    }

    @Test
    void httpTcpAndUdpExposeLocalServicesThroughTheSavedServer() throws Exception {
        int[] web = new int[1];
        int[] tcpEcho = new int[1];
        int[] udpEcho = new int[1];
        try (Closeable w = EchoServers.web("hello from the app", web); Closeable t = EchoServers.tcp(tcpEcho);
             Closeable u = EchoServers.udp(udpEcho);
             JarProcess http = JarProcess.start(loggedIn, "http", String.valueOf(web[0]));
             JarProcess tcp = JarProcess.start(loggedIn, "tcp", "127.0.0.1:" + tcpEcho[0]);
             JarProcess udp = JarProcess.start(loggedIn, "udp", String.valueOf(udpEcho[0]))) {
            Matcher url = http.await("Forwarding  http://([a-z0-9-]+\\.localhost):(\\d+)/ -> localhost:" + web[0], START);
            assertEquals(httpPort, Integer.parseInt(url.group(2)));
            String response = Probes.httpGet(httpPort, url.group(1), "/");
            assertTrue(response.startsWith("HTTP/1.1 200") && response.endsWith("hello from the app"), response);

            int tcpPort = Integer.parseInt(tcp.await("Forwarding  tcp  localhost:(\\d+) -> 127\\.0\\.0\\.1:" + tcpEcho[0], START).group(1));
            assertTrue(Probes.echoIntact(tcpPort, 100_000, 7), "bytes through the tcp tunnel and back");

            int udpPort = Integer.parseInt(udp.await("Forwarding  udp  localhost:(\\d+) -> localhost:" + udpEcho[0], START).group(1));
            assertTrue(Probes.udpEchoes(udpPort), "datagrams through the udp tunnel and back");
        }
    }

    @Test
    void withoutASavedServerOneLineSaysHowToSaveOne() throws Exception {
        JarProcess tcp = JarProcess.start(user("nobody"), "tcp", "22");
        tcp.await("^loomtunnel: no server saved: run `loomtunnel login HOST\\[:PORT\\] --server-id ID --token-file FILE` once", START);
        assertEquals(ExitCode.USAGE, tcp.exitCode(START), tcp.output());
        assertEquals(1, tcp.lines().stream().filter(l -> !l.startsWith("WARNING")).count(), tcp.output());
    }

    @Test
    void aWrongServerIdOrTokenIsRefusedAndNothingSaved() throws Exception {
        Map<String, String> user = user("refused");
        Path badToken = dir.resolve("bad-token.txt");
        ReverseTunnelIT.secret(badToken, "not-the-token\n");
        Path goodToken = dir.resolve("good-token.txt");
        ReverseTunnelIT.secret(goodToken, token + "\n");
        String address = "127.0.0.1:" + server.controlPort();
        JarProcess impostor = JarProcess.start(user, "login", address, "--server-id", Identity.generate().id().toString(),
                "--token-file", goodToken.toString());
        JarProcess refused = JarProcess.start(user, "login", address, "--server-id", server.id().toString(),
                "--token-file", badToken.toString());
        assertEquals(ExitCode.PEER_KEY_MISMATCH, impostor.exitCode(START), impostor.output());
        assertTrue(impostor.output().contains("loomtunnel: not saved: the server's key does not match --server-id"), impostor.output());
        assertEquals(ExitCode.AUTH_REFUSED, refused.exitCode(START), refused.output());
        assertTrue(refused.output().contains("loomtunnel: not saved: the server refused the token"), refused.output());
        assertFalse(Files.exists(savedDir(user)), "nothing saved");
    }

    @Test
    void logoutForgetsTheSavedServer() throws Exception {
        Map<String, String> user = user("leaving");
        Path tokenFile = dir.resolve("leaving-token.txt");
        ReverseTunnelIT.secret(tokenFile, token + "\n");
        JarProcess login = JarProcess.start(user, "login", "127.0.0.1:" + server.controlPort(), "--server-id", server.id().toString(),
                "--token-file", tokenFile.toString(), "--no-check");
        assertEquals(ExitCode.OK, login.exitCode(START), login.output());
        assertTrue(Files.exists(savedDir(user).resolve("client.toml")));
        JarProcess logout = JarProcess.start(user, "logout");
        assertEquals(ExitCode.OK, logout.exitCode(START), logout.output());
        assertFalse(Files.exists(savedDir(user).resolve("client.toml")));
        assertFalse(Files.exists(savedDir(user).resolve("token")));
    }
}
