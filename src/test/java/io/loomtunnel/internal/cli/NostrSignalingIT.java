package io.loomtunnel.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.internal.nostr.TestRelay;
import io.loomtunnel.internal.tunnel.EchoServers;
import io.loomtunnel.internal.tunnel.Probes;
import io.loomtunnel.tls.Identity;
import io.loomtunnel.tls.PeerId;
import java.io.Closeable;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * `share` and `connect --signal nostr` as real processes through a real relay on 127.0.0.1
 * (scripts/nostr-relay) with a second relay that is down: three connects at once, each with data
 * both ways; a peer the share does not allow exits 3; a connect whose share is not there exits 25; ws:// off loopback is refused.
 */
@Timeout(180)
class NostrSignalingIT {
    private static final Duration START = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void sharesAndConnectsFindEachOtherThroughTheRelays() throws Exception {
        int[] echoPort = new int[1];
        List<JarProcess> processes = new ArrayList<>();
        try (TestRelay relay = TestRelay.start(0); Closeable echo = EchoServers.tcp(echoPort)) {
            List<String> relays = List.of("--signal", "nostr", "--relay", relay.uri().toString(), "--relay", "ws://127.0.0.1:" + downPort());
            Path shareKey = key("share");
            Path laptopKey = key("laptop");
            PeerId shareId = Identity.load(shareKey).id();
            List<String> shareArgs = new ArrayList<>(List.of("share", "--key", shareKey.toString(), "--tcp", "echo=127.0.0.1:" + echoPort[0],
                    "--allow", Identity.load(laptopKey).id().toString(), "--bind", "127.0.0.1:0"));
            shareArgs.addAll(relays);
            JarProcess share = start(processes, shareArgs);
            share.await("ready for connecting peers", START);

            // No share with that id on the relays: connect says so and exits 25 (started now: it waits 15 s).
            List<String> absent = new ArrayList<>(List.of("connect", "--key", laptopKey.toString(), "--peer",
                    Identity.generate().id().toString(), "--service", "echo", "--listen", "127.0.0.1:0"));
            absent.addAll(relays);
            JarProcess lonely = start(processes, absent);
            // A peer the share does not allow: refused by the share itself, as with the other modes (exit 3).
            List<String> strangerArgs = new ArrayList<>(List.of("connect", "--key", key("stranger").toString(), "--peer",
                    shareId.toString(), "--service", "echo", "--listen", "127.0.0.1:0"));
            strangerArgs.addAll(relays);
            JarProcess stranger = start(processes, strangerArgs);
            List<JarProcess> connects = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                List<String> args = new ArrayList<>(List.of("connect", "--key", laptopKey.toString(), "--peer", shareId.toString(),
                        "--service", "echo", "--listen", "127.0.0.1:0", "--bind", "127.0.0.1:0"));
                args.addAll(relays);
                connects.add(start(processes, args));
            }
            for (int i = 0; i < connects.size(); i++) {
                JarProcess c = connects.get(i);
                c.await("session \\S+ to peer \\w+…: direct 127\\.0\\.0\\.1:\\d+", START);
                int local = Integer.parseInt(c.await("listening on tcp 127\\.0\\.0\\.1:(\\d+) for service echo", START).group(1));
                assertTrue(Probes.echoIntact(local, 256 << 10, 40 + i), "256 KiB there and back through session " + i);
            }
            assertEquals(3, share.output().split("service echo: direct").length - 1, share.output());

            assertEquals(ExitCode.AUTH_REFUSED, stranger.exitCode(START), stranger.output());
            assertTrue(stranger.output().contains("is not allowed"), stranger.output());
            assertEquals(ExitCode.PEER_UNKNOWN, lonely.exitCode(START), lonely.output());
            List<String> lines = lonely.lines();
            assertTrue(lines.getLast().startsWith("loomtunnel: no share with id "), lonely.output());
        } finally {
            for (JarProcess p : processes) {
                p.close();
            }
        }
    }

    @Test
    void clearTextRelaysOnlyOnLoopback() throws Exception {
        JarProcess p = JarProcess.start(Map.of(), "connect", "--key", key("laptop").toString(), "--peer", Identity.generate().id().toString(),
                "--service", "echo", "--listen", "127.0.0.1:0", "--signal", "nostr", "--relay", "ws://relay.example.org");
        try {
            assertEquals(ExitCode.USAGE, p.exitCode(START), p.output());
            assertTrue(p.output().contains("ws:// sends in clear text and is allowed only for loopback addresses; use wss://"), p.output());
        } finally {
            p.close();
        }
    }

    private static JarProcess start(List<JarProcess> processes, List<String> args) throws Exception {
        processes.add(JarProcess.start(Map.of(), args.toArray(String[]::new)));
        return processes.getLast();
    }

    private static int downPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort(); // closed again: nothing listens there
        }
    }

    private Path key(String name) throws Exception {
        Identity.generate().save(dir.resolve(name + ".key"));
        return dir.resolve(name + ".key");
    }
}
