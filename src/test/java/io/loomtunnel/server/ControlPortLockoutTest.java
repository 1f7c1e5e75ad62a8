package io.loomtunnel.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.client.ClientEvents;
import io.loomtunnel.client.ClientSettings;
import io.loomtunnel.client.TunnelClient;
import io.loomtunnel.internal.tunnel.EchoServers;
import io.loomtunnel.internal.tunnel.Probes;
import io.loomtunnel.session.SilentSockets;
import io.loomtunnel.tunnel.TunnelSpec;
import java.io.Closeable;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, finding 2: silent TCP connections to the control port (reopened as the server closes
 * them) must not lock real clients out. The server runs with its default limits; while 2,000
 * silent connections run, a real client from 127.0.0.1 completes TLS, hello and a tunnel, and
 * carries traffic, within 5 s. Before the fix every set-up slot was held for the 10 s handshake
 * timeout, the client's handshake timed out and it gave up (exit 10).
 */
@Timeout(120)
class ControlPortLockoutTest {
    private static final Duration READY_WITHIN = Duration.ofSeconds(5);
    private static final int SILENT = 2_000;

    @Test
    void silentSocketsFromOneSourceDoNotLockOutAClient(@TempDir Path dir) throws Exception {
        clientGetsInDuring(dir, List.of(InetAddress.getByName("127.0.0.2")), SILENT);
    }

    /** 200 sources (127.0.1.1-200) of 10 each: no source reaches its limit, so the slots themselves run out. */
    @Test
    void silentSocketsFromManySourcesDoNotLockOutAClient(@TempDir Path dir) throws Exception {
        List<InetAddress> sources = SilentSockets.loopbackSources(1, 200);
        clientGetsInDuring(dir, sources, SILENT / sources.size());
    }

    private static void clientGetsInDuring(Path dir, List<InetAddress> sources, int perSource) throws Exception {
        int[] echoPort = new int[1];
        try (Closeable echo = EchoServers.tcp(echoPort);
             TunnelServer server = TunnelServer.start(ServerSettings.builder()
                     .bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))
                     .keyFile(dir.resolve("server.key")).token("right").build(), ServerEvents.NONE)) {
            try (TunnelClient warmUp = client(server, echoPort[0])) {
                warmUp.awaitReady(Duration.ofSeconds(30)); // class loading and JIT are not what this test measures
            }
            try (SilentSockets flood = SilentSockets.start(server.controlAddress(), sources, perSource, 30_000,
                    Duration.ofMillis(500), Duration.ofSeconds(60))) {
                Probes.eventually(Duration.ofSeconds(20), () -> "the flood opened " + flood.connected() + " connections",
                        () -> flood.connected() >= SILENT / 2); // main's backlog holds 1,280 of them
                long start = System.nanoTime();
                try (TunnelClient client = client(server, echoPort[0])) {
                    int port = Probes.port(client.awaitReady(READY_WITHIN).get(0).address());
                    byte[] data = "through the tunnel while the flood runs".getBytes(StandardCharsets.UTF_8);
                    assertArrayEquals(data, Probes.roundTrip(port, data));
                }
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                assertTrue(took.compareTo(READY_WITHIN) <= 0, "session, tunnel and traffic took " + took.toMillis() + " ms");
                assertTrue(flood.openNow() > 0 || flood.closedByServer() > 0, "the flood was still running");
            }
        }
    }

    private static TunnelClient client(TunnelServer server, int echoPort) throws java.io.IOException {
        return TunnelClient.start(ClientSettings.builder(server.controlAddress(), server.id())
                .token("right").backoff(Duration.ofMillis(50), Duration.ofMillis(300))
                .tunnel(TunnelSpec.tcp("echo", 0, "127.0.0.1", echoPort)).build(), ClientEvents.NONE);
    }
}
