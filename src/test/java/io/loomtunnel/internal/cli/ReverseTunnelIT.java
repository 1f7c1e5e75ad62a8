package io.loomtunnel.internal.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.client.ClientEvents;
import io.loomtunnel.client.ClientSettings;
import io.loomtunnel.client.TunnelClient;
import io.loomtunnel.internal.tunnel.EchoServers;
import io.loomtunnel.internal.tunnel.Probes;
import io.loomtunnel.tls.PeerId;
import io.loomtunnel.tunnel.TunnelSpec;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** `loomtunnel server` and `loomtunnel client` as real processes on loopback, driven by real clients. */
@Timeout(180)
class ReverseTunnelIT {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration START = Duration.ofSeconds(60);
    private static final String TOKEN = "it-token-0123456789";

    /** A server process with its id and control port, and its files. */
    record Server(JarProcess process, PeerId id, int controlPort, Path tokens) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            process.close();
        }
    }

    static Server server(Path dir, int controlPort, String... extra) throws Exception {
        Path tokens = dir.resolve("tokens.txt");
        if (!Files.exists(tokens)) {
            secret(tokens, "# test tokens\n" + TOKEN + "\n");
        }
        List<String> args = new ArrayList<>(List.of("server", "--bind", "127.0.0.1:" + controlPort,
                "--key", dir.resolve("server.key").toString(), "--tokens-file", tokens.toString()));
        args.addAll(List.of(extra));
        JarProcess p = JarProcess.start(Map.of(), args.toArray(String[]::new));
        try {
            Matcher id = p.await("server id\\s+([a-z2-7]{52})", START);
            Matcher control = p.await("control\\s+127\\.0\\.0\\.1:(\\d+)", START);
            return new Server(p, PeerId.parse(id.group(1)), Integer.parseInt(control.group(1)), tokens);
        } catch (AssertionError | RuntimeException | InterruptedException e) {
            p.kill(); // not yet the caller's to close: a server that never got ready would outlive the test
            throw e;
        }
    }

    static JarProcess client(Path dir, Server s, String... tunnels) throws Exception {
        Path tokenFile = dir.resolve("client-token.txt");
        secret(tokenFile, TOKEN + "\n");
        List<String> args = new ArrayList<>(List.of("client", "--server", "127.0.0.1:" + s.controlPort(),
                "--server-id", s.id().toString(), "--token-file", tokenFile.toString()));
        args.addAll(List.of(tunnels));
        return JarProcess.start(Map.of(), args.toArray(String[]::new));
    }

    /** Writes a secret file as users must: readable by its owner only. */
    static void secret(Path file, String content) throws IOException {
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }

    static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK)) {
            return probe.getLocalPort();
        }
    }

    @Test
    void tcpTunnelFiftyMegabytesEachWayAndTwoHundredConnections(@TempDir Path dir) throws Exception {
        int[] echo = new int[1];
        Path config = Files.writeString(dir.resolve("server.toml"), "[limits]\nmax_connections_per_source = 200\n"); // all from 127.0.0.1
        try (Closeable e = EchoServers.tcp(echo); Server s = server(dir, 0, "--config", config.toString());
             JarProcess c = client(dir, s, "--tcp", "0:127.0.0.1:" + echo[0])) {
            int port = Integer.parseInt(c.await("tcp\\s+\\S+\\s+localhost:(\\d+)", START).group(1));
            byte[] data = new byte[50 << 20];
            new Random(50).nextBytes(data);
            assertArrayEquals(sha(data), sha(Probes.roundTrip(port, data)), "50 MB through the tunnel and back");

            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    byte[] msg = ("connection " + i + " ").repeat(100).getBytes(StandardCharsets.UTF_8);
                    results.add(pool.submit((Callable<Boolean>) () -> java.util.Arrays.equals(msg, Probes.roundTrip(port, msg))));
                }
                for (Future<Boolean> f : results) {
                    assertTrue(f.get(60, TimeUnit.SECONDS));
                }
            }
        }
    }

    @Test
    void udpTunnelGivesEachSenderItsOwnReplies(@TempDir Path dir) throws Exception {
        int[] echo = new int[1];
        try (Closeable e = EchoServers.udp(echo); Server s = server(dir, 0);
             JarProcess c = client(dir, s, "--udp", "0:127.0.0.1:" + echo[0]);
             DatagramSocket a = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
             DatagramSocket b = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            int port = Integer.parseInt(c.await("udp\\s+\\S+\\s+localhost:(\\d+)", START).group(1));
            a.setSoTimeout(5_000);
            b.setSoTimeout(5_000);
            for (int i = 0; i < 5; i++) {
                Probes.send(a, port, "a" + i);
                Probes.send(b, port, "b" + i);
                assertEquals("echo:a" + i, Probes.receive(a));
                assertEquals("echo:b" + i, Probes.receive(b));
            }
        }
    }

    /**
     * After a server restart every tunnel comes back; those with remote port 0 at the port the
     * server gave them before (issue 12: they got a new one at every reconnect), but for one whose
     * port was taken meanwhile, which gets another and says so in one line.
     */
    @Test
    void serverRestartBringsTunnelsBackAtTheirPorts(@TempDir Path dir) throws Exception {
        int[] echo = new int[1];
        int[] udpEcho = new int[1];
        int tunnelPort = freePort();
        try (Closeable e = EchoServers.tcp(echo); Closeable u = EchoServers.udp(udpEcho)) {
            Server first = server(dir, 0);
            int control = first.controlPort();
            try (JarProcess c = client(dir, first, "--tcp", tunnelPort + ":127.0.0.1:" + echo[0],
                    "--tcp", "ssh=0:127.0.0.1:" + echo[0], "--tcp", "web=0:127.0.0.1:" + echo[0], "--udp", "dns=0:127.0.0.1:" + udpEcho[0])) {
                c.await("tcp\\s+\\S+\\s+localhost:" + tunnelPort, START);
                int ssh = Integer.parseInt(c.await("tcp\\s+ssh\\s+localhost:(\\d+)", START).group(1));
                int web = Integer.parseInt(c.await("tcp\\s+web\\s+localhost:(\\d+)", START).group(1));
                int dns = Integer.parseInt(c.await("udp\\s+dns\\s+localhost:(\\d+)", START).group(1));
                assertArrayEquals("before".getBytes(), Probes.roundTrip(tunnelPort, "before".getBytes()));
                first.close();
                c.await("connection lost", START);
                try (ServerSocket taken = new ServerSocket(web, 1, LOOPBACK); Server second = server(dir, control)) {
                    assertEquals(first.id(), second.id(), "same key file, same id");
                    c.await("reconnected", START);
                    Matcher moved = c.await("tunnel web moved to localhost:(\\d+): the server could not give it localhost:" + web + " again",
                            START);
                    int webNow = Integer.parseInt(moved.group(1));
                    assertTrue(webNow != web, moved.group());
                    c.await("tcp\\s+web\\s+localhost:" + webNow, START);
                    Probes.eventually(START, () -> "ssh and dns came back at their ports: " + c.output(),
                            () -> count(c.output(), "tcp\\s+ssh\\s+localhost:" + ssh) == 2 && count(c.output(), "udp\\s+dns\\s+localhost:" + dns) == 2);
                    Probes.eventually(START, "the tunnels work again after the reconnect",
                            () -> "after".equals(new String(Probes.roundTrip(tunnelPort, "after".getBytes())))
                                    && "ssh".equals(new String(Probes.roundTrip(ssh, "ssh".getBytes())))
                                    && "web".equals(new String(Probes.roundTrip(webNow, "web".getBytes()))));
                    try (DatagramSocket sender = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
                        sender.setSoTimeout(5_000);
                        Probes.send(sender, dns, "dns");
                        assertEquals("echo:dns", Probes.receive(sender));
                    }
                }
            }
        }
    }

    /**
     * Issue 12: a client started before its server (at boot) exited 10 at once. It tries again,
     * one line per attempt, and registers its tunnel once the server is up.
     */
    @Test
    void clientStartedBeforeItsServerRegistersOnceItComesUp(@TempDir Path dir) throws Exception {
        int[] echo = new int[1];
        int control = freePort();
        io.loomtunnel.tls.PeerId id = io.loomtunnel.tls.Identity.loadOrCreate(dir.resolve("server.key")).id(); // the server's, before it runs
        secret(dir.resolve("tokens.txt"), TOKEN + "\n");
        Server notYet = new Server(null, id, control, dir.resolve("tokens.txt"));
        try (Closeable e = EchoServers.tcp(echo); JarProcess c = client(dir, notYet, "--tcp", "0:127.0.0.1:" + echo[0])) {
            String failed = "could not connect to 127\\.0\\.0\\.1:" + control + ": Connection refused; retrying in \\d+\\.\\d s";
            c.await(failed, START);
            Probes.eventually(START, "a line per attempt", () -> count(c.output(), failed) >= 2);
            try (Server s = server(dir, control)) {
                assertEquals(id, s.id());
                int port = Integer.parseInt(c.await("tcp\\s+\\S+\\s+localhost:(\\d+)", START).group(1));
                assertArrayEquals("up".getBytes(), Probes.roundTrip(port, "up".getBytes()));
            }
        }
    }

    private static long count(String text, String regex) {
        return java.util.regex.Pattern.compile(regex, java.util.regex.Pattern.MULTILINE).matcher(text).results().count();
    }

    @Test
    void killedClientFreesItsPortAndClosesItsConnections(@TempDir Path dir) throws Exception {
        int[] echo = new int[1];
        int tunnelPort = freePort();
        try (Closeable e = EchoServers.tcp(echo); Server s = server(dir, 0)) {
            JarProcess c = client(dir, s, "--tcp", tunnelPort + ":127.0.0.1:" + echo[0]);
            c.await("tcp\\s+\\S+\\s+localhost:" + tunnelPort, START);
            try (Socket open = new Socket(LOOPBACK, tunnelPort)) {
                open.setSoTimeout(30_000);
                open.getOutputStream().write(new byte[1 << 20]); // mid-transfer
                c.kill();
                InputStream in = open.getInputStream();
                assertThrows(IOException.class, () -> {
                    byte[] buf = new byte[65_536];
                    while (in.read(buf) >= 0) {
                        // drain what was echoed before the kill
                    }
                    throw new IOException("closed"); // a clean end is a close too
                }, "the remote side sees the connection end");
            }
            Probes.eventually(START, "the server stopped listening on the dead client's port", () -> {
                try (Socket probe = new Socket(LOOPBACK, tunnelPort)) {
                    return false;
                } catch (IOException refused) {
                    return true;
                }
            });
            try (JarProcess again = client(dir, s, "--tcp", tunnelPort + ":127.0.0.1:" + echo[0])) {
                again.await("tcp\\s+\\S+\\s+localhost:" + tunnelPort, START); // the port is free to take again
            }
        }
    }

    @Test
    void exitCodesForBadTokenUnreachableServerAndRefusedPorts(@TempDir Path dir) throws Exception {
        try (Server s = server(dir, 0, "--allow-ports", "20000-20100");
             ServerSocket taken = new ServerSocket(20_050, 1, LOOPBACK)) {
            Path bad = dir.resolve("bad-token.txt");
            secret(bad, "nope\n");
            JarProcess badToken = JarProcess.start(Map.of(), "client", "--server", "127.0.0.1:" + s.controlPort(),
                    "--server-id", s.id().toString(), "--token-file", bad.toString(), "--tcp", "20001:127.0.0.1:9");
            assertEquals(ExitCode.AUTH_REFUSED, badToken.exitCode(START), badToken.output());
            assertTrue(badToken.output().contains("invalid token"), badToken.output());

            // a pinning failure is a security event, told apart from an unreachable server (issue 12)
            io.loomtunnel.tls.PeerId wrongId = io.loomtunnel.tls.Identity.generate().id();
            Path goodToken = dir.resolve("good-token.txt");
            secret(goodToken, TOKEN + "\n");
            JarProcess impostor = JarProcess.start(Map.of(), "client", "--server", "127.0.0.1:" + s.controlPort(),
                    "--server-id", wrongId.toString(), "--token-file", goodToken.toString(), "--tcp", "20002:127.0.0.1:9");
            assertEquals(ExitCode.PEER_KEY_MISMATCH, impostor.exitCode(START), impostor.output());
            assertTrue(impostor.output().contains("loomtunnel: the server's key does not match --server-id: peer id mismatch: expected "
                    + wrongId.abbreviated() + "…, got " + s.id()), impostor.output());

            JarProcess outside = client(dir, s, "--tcp", "2222:127.0.0.1:22");
            assertEquals(ExitCode.USAGE, outside.exitCode(START), outside.output());
            assertTrue(outside.output().contains("port 2222 is not allowed"), outside.output());

            JarProcess busy = client(dir, s, "--tcp", "20050:127.0.0.1:22");
            assertEquals(ExitCode.USAGE, busy.exitCode(START), busy.output());
            assertTrue(busy.output().contains("already in use"), busy.output());
        }
        Path token = dir.resolve("t.txt");
        secret(token, TOKEN);
        int closed = freePort();
        JarProcess nowhere = JarProcess.start(Map.of(), "client", "--server", "127.0.0.1:" + closed,
                "--server-id", io.loomtunnel.tls.Identity.generate().id().toString(),
                "--token-file", token.toString(), "--tcp", "0:127.0.0.1:9", "--no-reconnect");
        assertEquals(ExitCode.CONNECT_FAILED, nowhere.exitCode(START), nowhere.output());
        // the address as it was given, not InetSocketAddress's "127.0.0.1/<unresolved>:PORT" (issue 12)
        assertTrue(nowhere.output().contains("loomtunnel: could not connect to 127.0.0.1:" + closed + ": Connection refused"),
                nowhere.output());
    }

    @Test
    void allowHostsDecidesWhichHostsClientsMayClaim(@TempDir Path dir) throws Exception {
        int[] app = new int[1];
        try (Closeable web = EchoServers.web("hello from web", app);
             Server s = server(dir, 0, "--http-bind", "127.0.0.1:0", "--domain", "localhost",
                     "--allow-hosts", "web,*.apps.example.org")) {
            int httpPort = Integer.parseInt(s.process().await("http\\s+127\\.0\\.0\\.1:(\\d+)", START).group(1));
            s.process().await("hosts\\s+web,\\*\\.apps\\.example\\.org", START);

            JarProcess outside = client(dir, s, "--http", "shop.example.com:127.0.0.1:" + app[0]);
            assertEquals(ExitCode.USAGE, outside.exitCode(START), outside.output());
            assertTrue(outside.output().contains("host shop.example.com is not allowed"), outside.output());
            JarProcess underDomain = client(dir, s, "--http", "other:127.0.0.1:" + app[0]);
            assertEquals(ExitCode.USAGE, underDomain.exitCode(START), "the flag replaces *.DOMAIN: " + underDomain.output());

            try (JarProcess inside = client(dir, s, "--http", "web:127.0.0.1:" + app[0],
                    "--http", "a.apps.example.org:127.0.0.1:" + app[0])) {
                inside.await("http\\s+\\S+\\s+http://a\\.apps\\.example\\.org:" + httpPort, START);
                for (String host : List.of("web.localhost", "a.apps.example.org")) {
                    String page = Probes.httpGet(httpPort, host, "/");
                    assertTrue(page.startsWith("HTTP/1.1 200") && page.endsWith("hello from web"), host + ": " + page);
                }
            }
        }
        CliIT.Run help = CliIT.loomtunnel("server", "--help");
        assertTrue(help.out().contains("--allow-hosts=PATTERNS") && help.out().contains("hosts=PATTERNS"), help.out());
        for (String bad : List.of("a..b", "", "web,*.*.example.org")) {
            JarProcess refused = JarProcess.start(Map.of(), "server", "--key", dir.resolve("bad.key").toString(),
                    "--open-access", "--allow-hosts", bad);
            assertEquals(ExitCode.USAGE, refused.exitCode(START), refused.output());
            assertTrue(refused.output().startsWith("loomtunnel server: --allow-hosts '"), refused.output());
            assertEquals(1, refused.output().strip().lines().count(), "one line: " + refused.output());
        }
    }

    @Test
    void brokenConfigNamesTheKey(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("client.toml");
        Files.writeString(config, "server = \"127.0.0.1:7835\"\nserver_idd = \"x\"\n");
        JarProcess p = JarProcess.start(Map.of(), "client", "--config", config.toString());
        assertEquals(ExitCode.USAGE, p.exitCode(START), p.output());
        assertTrue(p.output().contains("server_idd"), p.output());
        assertEquals(1, p.output().strip().lines().count(), "one line: " + p.output());
    }

    /** Issue 12: open access printed nothing; now one warning line on stderr at start, none without it. */
    @Test
    void openAccessWarnsOnStderrAtStart(@TempDir Path dir) throws Exception {
        for (boolean open : new boolean[] {true, false}) {
            Path out = dir.resolve("out-" + open + ".txt");
            Path err = dir.resolve("err-" + open + ".txt");
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-jar", JarProcess.jar(), "server", "--bind", "127.0.0.1:0", "--key", dir.resolve("server.key").toString()));
            if (open) {
                command.add("--open-access");
            } else {
                secret(dir.resolve("tokens.txt"), TOKEN + "\n");
                command.addAll(List.of("--tokens-file", dir.resolve("tokens.txt").toString()));
            }
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try {
                Probes.eventually(START, "the server said it is ready", () -> Files.readString(out).contains("ready;"));
            } finally {
                p.toHandle().destroyForcibly();
                p.waitFor();
            }
            if (open) {
                assertEquals(ServerCommand.OPEN_ACCESS_WARNING, Files.readString(err).strip());
                assertTrue(!Files.readString(out).contains("open access"), Files.readString(out));
            } else {
                assertEquals("", Files.readString(err).strip());
            }
        }
    }

    @Test
    void sigtermDrainsAndExitsZero(@TempDir Path dir) throws Exception {
        int[] echo = new int[1];
        try (Closeable e = EchoServers.tcp(echo); Server s = server(dir, 0);
             JarProcess c = client(dir, s, "--tcp", "0:127.0.0.1:" + echo[0])) {
            c.await("tcp\\s+\\S+\\s+localhost:\\d+", START);
            c.terminate();
            assertEquals(0, c.exitCode(START), c.output());
            c.await("^stopped$", START);
            assertTrue(!c.output().contains("loomtunnel: "), "no error line on a requested stop: " + c.output());
            s.process().await("disconnected", START);
        }
    }

    @Test
    void hundredClientsOnOneServer(@TempDir Path dir) throws Exception {
        int[] echo = new int[1];
        try (Closeable e = EchoServers.tcp(echo); Server s = server(dir, 0)) {
            List<TunnelClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 100; i++) {
                    clients.add(TunnelClient.start(ClientSettings.builder(
                                    new InetSocketAddress(LOOPBACK, s.controlPort()), s.id()).token(TOKEN)
                            .tunnel(TunnelSpec.tcp("echo", 0, "127.0.0.1", echo[0])).build(), ClientEvents.NONE));
                }
                for (TunnelClient c : clients) {
                    String address = c.awaitReady(START).get(0).address();
                    int port = Probes.port(address);
                    byte[] msg = address.getBytes(StandardCharsets.UTF_8);
                    assertArrayEquals(msg, Probes.roundTrip(port, msg), address);
                }
            } finally {
                clients.forEach(TunnelClient::close);
            }
        }
    }

    private static byte[] sha(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

}
