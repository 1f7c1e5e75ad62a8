package io.loomtunnel.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.loomtunnel.internal.nostr.TestRelay;
import io.loomtunnel.natlab.LabHost;
import io.loomtunnel.natlab.LabTraffic;
import io.loomtunnel.natlab.NatLab;
import io.loomtunnel.natlab.NatType;
import io.loomtunnel.natlab.WatchedProcess;
import io.loomtunnel.tls.Identity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.io.TempDir;

/**
 * `share` and `connect --signal nostr` as processes in the NAT lab (docs/TESTING.md, "NAT lab"):
 * a real relay (scripts/nostr-relay) on the public segment, reached in clear text with
 * {@code --relay-insecure}, and the two peers behind endpoint-independent NATs. Nostr signaling
 * carries no reflected addresses, so each peer names its router's public address with
 * {@code --candidate} and a fixed punch port (Linux's MASQUERADE keeps a free source port): the
 * two dial each other through both NATs by simultaneous open. With {@code --server}, a loomtunnel
 * server on the public segment is the relay fallback (docs/protocol/P2P.md 9.6, p2p_ticket): a
 * host behind a symmetric NAT, which no direct attempt reaches, gets a relayed session. TCP data
 * is checked inside the lab.
 */
@ResourceLock(NatLab.LOCK) // one lab at a time; other ITs may run beside it (docs/TESTING.md)
@Timeout(240)
class NostrSignalingLabIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String RELAY_HOST = "198.18.0.1";
    private static final int SHARE_PORT = 7301;
    private static final int CONNECT_PORT = 7302;
    private static final String SERVER = "198.18.0.1:7835";
    private static final String TOKEN = "lab-token-0123456789";

    @TempDir
    static Path dir;
    private static NatLab lab;
    private static String relay;

    @BeforeAll
    static void start() throws Exception {
        List<String> relayCommand = TestRelay.command(0, "--host", RELAY_HOST, "--ignore-stdin");
        lab = NatLab.builder()
                .router("eima", NatType.ENDPOINT_INDEPENDENT, "alice")
                .router("eimb", NatType.ENDPOINT_INDEPENDENT, "bob")
                .router("sym", NatType.SYMMETRIC, "carol")
                .start();
        WatchedProcess node = lab.pub().start(relayCommand);
        relay = "ws://" + RELAY_HOST + ":" + node.await("listening on 198\\.18\\.0\\.1:(\\d+)", WAIT).group(1);
    }

    @AfterAll
    static void stop() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void hostsBehindEndpointIndependentNatsFindEachOtherThroughARelayAndGoDirect() throws Exception {
        LabHost alice = lab.host("alice");
        LabHost bob = lab.host("bob");
        Path shareKey = key("alice");
        Path bobKey = key("bob");
        Matcher echo = LabTraffic.start(alice, "echo").await("echo tcp (\\d+) udp (\\d+)", WAIT);
        WatchedProcess share = jar(alice, "share", "--key", shareKey.toString(), "--allow", id(bobKey),
                "--tcp", "echo=127.0.0.1:" + echo.group(1), "--bind", "0.0.0.0:" + SHARE_PORT,
                "--candidate", alice.publicAddress().getHostAddress());
        share.await("warning: relay " + relay + " is clear text", WAIT);
        share.await("ready for connecting peers", WAIT);
        WatchedProcess connect = jar(bob, "connect", "--key", bobKey.toString(), "--peer", id(shareKey), "--service", "echo",
                "--listen", "127.0.0.1:0", "--bind", "0.0.0.0:" + CONNECT_PORT, "--candidate", bob.publicAddress().getHostAddress());
        // Each end sees the other's router: a connection through both NATs.
        connect.await("session \\S+ to peer \\w+…: direct " + alice.publicAddress().getHostAddress().replace(".", "\\.")
                + ":" + SHARE_PORT + "$", WAIT);
        share.await("service echo: direct " + bob.publicAddress().getHostAddress().replace(".", "\\.") + ":" + CONNECT_PORT + "$", WAIT);
        checkTcp(bob, connect);
    }

    @Test
    void aHostBehindASymmetricNatFallsBackToTheServersRelay() throws Exception {
        secret(dir.resolve("tokens.txt"));
        secret(dir.resolve("token.txt"));
        WatchedProcess server = lab.pub().startJava(Map.of(), "-Xmx128m", "-jar", JarProcess.jar(), "server", "--bind", SERVER,
                "--key", dir.resolve("server.key").toString(), "--tokens-file", dir.resolve("tokens.txt").toString());
        String serverId = server.await("server id\\s+([a-z2-7]{52})", WAIT).group(1);
        List<String> viaServer = List.of("--server", SERVER, "--server-id", serverId, "--token-file", dir.resolve("token.txt").toString());
        LabHost alice = lab.host("alice");
        LabHost carol = lab.host("carol");
        Path shareKey = key("alice-relayed");
        Path carolKey = key("carol");
        Matcher echo = LabTraffic.start(alice, "echo").await("echo tcp (\\d+) udp (\\d+)", WAIT);
        // No --candidate: the only candidates are private addresses, which the other side cannot reach.
        List<String> shareArgs = new ArrayList<>(List.of("share", "--key", shareKey.toString(), "--allow", id(carolKey),
                "--tcp", "echo=127.0.0.1:" + echo.group(1)));
        shareArgs.addAll(viaServer);
        WatchedProcess share = jar(alice, shareArgs.toArray(String[]::new));
        share.await("registered with the server " + SERVER, WAIT);
        share.await("ready for connecting peers", WAIT);
        List<String> connectArgs = new ArrayList<>(List.of("connect", "--key", carolKey.toString(), "--peer", id(shareKey),
                "--service", "echo", "--listen", "127.0.0.1:0"));
        connectArgs.addAll(viaServer);
        WatchedProcess connect = jar(carol, connectArgs.toArray(String[]::new));
        connect.await("session \\S+ to peer \\w+…: relay via " + SERVER + "$", WAIT);
        share.await("service echo: relay via " + SERVER + "$", WAIT);
        checkTcp(carol, connect);
    }

    private static void checkTcp(LabHost host, WatchedProcess connect) throws Exception {
        int port = Integer.parseInt(connect.await("listening on tcp 127\\.0\\.0\\.1:(\\d+)", WAIT).group(1));
        WatchedProcess bytes = LabTraffic.start(host, "tcp", Integer.toString(port), Integer.toString(4 << 20), "7");
        assertEquals(0, bytes.exitCode(WAIT), bytes.output());
    }

    private static void secret(Path file) throws IOException {
        Files.writeString(file, TOKEN + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    private static WatchedProcess jar(LabHost host, String... args) {
        List<String> all = new ArrayList<>(List.of("-Xmx128m", "-jar", JarProcess.jar()));
        all.addAll(List.of(args));
        all.addAll(List.of("--signal", "nostr", "--relay", relay, "--relay-insecure"));
        return host.startJava(Map.of(), all.toArray(String[]::new));
    }

    private static String id(Path key) throws IOException {
        return Identity.load(key).id().toString();
    }

    private static Path key(String name) throws IOException {
        Identity.generate().save(dir.resolve(name + ".key"));
        return dir.resolve(name + ".key");
    }
}
