package io.loomtunnel.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.tls.Identity;
import io.loomtunnel.tls.PeerId;
import io.loomtunnel.internal.tunnel.EchoServers;
import io.loomtunnel.internal.tunnel.Probes;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * `loomtunnel share` and `connect` with `--signal server` as real processes on 127.0.0.1, with a
 * `loomtunnel server` process between them: a direct path found through the server, the relay
 * when one side makes no direct attempt, what a peer the share does not allow is told, a server
 * key that is not the --server-id given (exit 4), and a connect that keeps its local port while
 * the share goes away and comes back.
 */
@Timeout(180)
class PeerServerIT {
    private static final Duration START = Duration.ofSeconds(60);
    private static final String TOKEN = "p2p-it-token-0123456789";

    @TempDir
    Path dir;
    private final int[] tcpPort = new int[1];
    private final int[] udpPort = new int[1];
    private final List<Closeable> closing = new ArrayList<>();
    private final List<JarProcess> processes = new ArrayList<>();
    private ReverseTunnelIT.Server server;
    private Path tokenFile;

    @BeforeEach
    void start() throws Exception {
        closing.add(EchoServers.tcp(tcpPort));
        closing.add(EchoServers.udp(udpPort));
        ReverseTunnelIT.secret(dir.resolve("tokens.txt"), TOKEN + "\n");
        tokenFile = dir.resolve("token.txt");
        ReverseTunnelIT.secret(tokenFile, TOKEN + "\n");
        server = ReverseTunnelIT.server(dir, 0);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (JarProcess p : processes) {
            p.close();
        }
        server.close();
        for (Closeable c : closing) {
            c.close();
        }
    }

    @Test
    void peersFindEachOtherThroughTheServerDirectlyOrThroughItsRelay() throws Exception {
        Path shareKey = key("share");
        Path laptopKey = key("laptop");
        PeerId shareId = Identity.load(shareKey).id();
        JarProcess share = share(shareKey, laptopKey);
        share.await("registered with the server 127\\.0\\.0\\.1:" + server.controlPort() + ", which sees this share at 127\\.0\\.0\\.1:\\d+",
                START);
        share.await("ready for connecting peers", START);

        JarProcess tcp = connect(laptopKey, shareId, "echo", "--relay-after", "15s", "--punch-timeout", "20s"); // direct, even if slow
        tcp.await("session \\S+ to peer \\w+…: direct 127\\.0\\.0\\.1:\\d+", START);
        int tcpLocal = Integer.parseInt(tcp.await("listening on tcp 127\\.0\\.0\\.1:(\\d+) for service echo", START).group(1));
        assertTrue(Probes.echoIntact(tcpLocal, 4 << 20, 11), "4 MiB there and back, direct");

        JarProcess udp = connect(laptopKey, shareId, "dns", "--relay-only");
        udp.await("session \\S+ to peer \\w+…: relay via 127\\.0\\.0\\.1:" + server.controlPort(), START);
        int udpLocal = Integer.parseInt(udp.await("listening on udp 127\\.0\\.0\\.1:(\\d+) for service dns", START).group(1));
        assertTrue(Probes.udpEchoes(udpLocal), "datagrams both ways, relayed");
        share.await("session \\S+ peer \\w+… service dns: relay via 127\\.0\\.0\\.1:" + server.controlPort(), START);
        server.process().await("relay \\S+ opened: connect \\w+ <-> share \\w+", START);

        JarProcess tcpRelayed = connect(laptopKey, shareId, "echo", "--relay-only");
        tcpRelayed.await("session \\S+ to peer \\w+…: relay via 127\\.0\\.0\\.1:\\d+", START);
        int relayedLocal = Integer.parseInt(tcpRelayed.await("listening on tcp 127\\.0\\.0\\.1:(\\d+)", START).group(1));
        assertTrue(Probes.echoIntact(relayedLocal, 4 << 20, 12), "4 MiB there and back, relayed");

        // The share goes away: connect keeps its port and sets the session up again once the share is back.
        share.kill();
        tcp.await("the session ended .*; connecting again in \\d+ ms", START);
        JarProcess again = share(shareKey, laptopKey);
        again.await("ready for connecting peers", START);
        Probes.eventually(START, () -> "a second session: " + tcp.output(),
                () -> tcp.output().split("to peer \\w+…: direct").length > 2);
        assertTrue(Probes.echoIntact(tcpLocal, 1 << 20, 13), "the same local port, a new session");
        assertTrue(tcp.isAlive());
    }

    @Test
    void aPeerNotAllowedIsToldWhatAPeerAskingForAnAbsentShareIsTold() throws Exception {
        Path shareKey = key("share");
        PeerId shareId = Identity.load(shareKey).id();
        share(shareKey, key("friend")).await("ready for connecting peers", START);
        Path strangerKey = key("stranger");
        PeerId absent = Identity.load(key("absent")).id();
        JarProcess notAllowed = connect(strangerKey, shareId, "echo");
        JarProcess toAbsent = connect(strangerKey, absent, "echo");
        assertEquals(ExitCode.PEER_UNKNOWN, notAllowed.exitCode(START));
        assertEquals(ExitCode.PEER_UNKNOWN, toAbsent.exitCode(START));
        String said = lastLine(notAllowed).replace(shareId.toString(), "ID");
        assertEquals(said, lastLine(toAbsent).replace(absent.toString(), "ID"));
        assertTrue(said.startsWith("loomtunnel: no share with id ID that allows peer "), said);

        JarProcess badToken = JarProcess.start(Map.of(), "connect", "--key", strangerKey.toString(), "--peer", shareId.toString(),
                "--service", "echo", "--listen", "127.0.0.1:0", "--signal", "server", "--server", "127.0.0.1:" + server.controlPort(),
                "--server-id", server.id().toString());
        processes.add(badToken);
        assertEquals(ExitCode.AUTH_REFUSED, badToken.exitCode(START));

        // Issue 12 (6): a server whose key is not --server-id is a pinning failure, exit 4, for share and connect too.
        PeerId impostor = Identity.generate().id();
        List<String> wrongId = List.of("--signal", "server", "--server", "127.0.0.1:" + server.controlPort(), "--server-id",
                impostor.toString(), "--token-file", tokenFile.toString(), "--bind", "127.0.0.1:0");
        List<String> shareArgs = new ArrayList<>(List.of("share", "--key", shareKey.toString(), "--tcp", "echo=127.0.0.1:" + tcpPort[0],
                "--allow", Identity.load(strangerKey).id().toString()));
        List<String> connectArgs = new ArrayList<>(List.of("connect", "--key", strangerKey.toString(), "--peer", shareId.toString(),
                "--service", "echo", "--listen", "127.0.0.1:0"));
        List<JarProcess> pinned = new ArrayList<>();
        for (List<String> args : List.of(shareArgs, connectArgs)) {
            args.addAll(wrongId);
            pinned.add(JarProcess.start(Map.of(), args.toArray(String[]::new)));
            processes.add(pinned.getLast());
        }
        for (JarProcess p : pinned) {
            assertEquals(ExitCode.PEER_KEY_MISMATCH, p.exitCode(START), p.output());
            assertTrue(lastLine(p).startsWith("loomtunnel: ") && lastLine(p).contains(impostor.abbreviated()), p.output());
        }
    }

    private static String lastLine(JarProcess p) {
        List<String> lines = p.lines();
        return lines.get(lines.size() - 1);
    }

    private List<String> signal() {
        return List.of("--signal", "server", "--server", "127.0.0.1:" + server.controlPort(), "--server-id", server.id().toString(),
                "--token-file", tokenFile.toString(), "--bind", "127.0.0.1:0");
    }

    private JarProcess share(Path key, Path allowed) throws IOException {
        return peer("share", key, "--tcp", "echo=127.0.0.1:" + tcpPort[0], "--udp", "dns=127.0.0.1:" + udpPort[0],
                "--allow", Identity.load(allowed).id().toString());
    }

    private JarProcess connect(Path key, PeerId share, String service, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("--peer", share.toString(), "--service", service, "--listen", "127.0.0.1:0"));
        args.addAll(List.of(extra));
        return peer("connect", key, args.toArray(String[]::new));
    }

    /** {@code loomtunnel COMMAND --key KEY ARGS} with server signaling, stopped after the test. */
    private JarProcess peer(String command, Path key, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of(command, "--key", key.toString()));
        all.addAll(List.of(args));
        all.addAll(signal());
        processes.add(JarProcess.start(Map.of(), all.toArray(String[]::new)));
        return processes.getLast();
    }

    /** A new key file; its id is {@code Identity.load(file).id()}. */
    private Path key(String name) throws IOException {
        Identity.generate().save(dir.resolve(name + ".key"));
        return dir.resolve(name + ".key");
    }
}
