package io.loomtunnel.bench;

import io.loomtunnel.client.ClientEvents;
import io.loomtunnel.client.ClientSettings;
import io.loomtunnel.client.TunnelClient;
import io.loomtunnel.server.ServerEvents;
import io.loomtunnel.server.ServerSettings;
import io.loomtunnel.server.TunnelServer;
import io.loomtunnel.tunnel.PortRanges;
import io.loomtunnel.tunnel.TunnelSpec;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Heap per idle tunnel: a server and two clients in one JVM on loopback (after a warm-up client,
 * so class loading is not counted), one client with no tunnel (what a session costs) and one with
 * 1,000 idle TCP tunnels; the difference per tunnel, for server and client together, and by class.
 */
public final class IdleTunnelMemory {
    static final int TUNNELS = 1_000;

    private IdleTunnelMemory() {}

    public static void main(String[] args) throws Exception {
        int tunnels = args.length > 0 ? Integer.parseInt(args[0]) : TUNNELS;
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        InetAddress loopback = InetAddress.getLoopbackAddress();
        Path dir = Files.createTempDirectory("idle-tunnels");
        try (TunnelServer server = TunnelServer.start(ServerSettings.builder()
                .bind(new InetSocketAddress(loopback, 0)).keyFile(dir.resolve("server.key")).token("bench")
                .allowPorts(PortRanges.parse("20000-60000")).maxTunnelsPerClient(tunnels).build(), ServerEvents.NONE)) {
            try (TunnelClient warmUp = client(server, 1)) { // loads and links the classes a session uses
                warmUp.awaitReady(Duration.ofSeconds(30));
            }
            Thread.sleep(500);
            long base = HeapProbe.usedAfterGc(memory);
            Map<String, long[]> idle = HeapProbe.histogram();
            try (TunnelClient empty = client(server, 0)) {
                empty.awaitReady(Duration.ofSeconds(30));
                long withSession = HeapProbe.usedAfterGc(memory);
                HeapProbe.printTopClasses(HeapProbe.diff(idle, HeapProbe.histogram()), 1, "session",
                        "server and client sides of one session with no tunnel");
                System.out.println();
                Map<String, long[]> before = HeapProbe.histogram();
                try (TunnelClient full = client(server, tunnels)) {
                    int ready = full.awaitReady(Duration.ofSeconds(120)).size();
                    long withTunnels = HeapProbe.usedAfterGc(memory);
                    Map<String, long[]> delta = HeapProbe.diff(before, HeapProbe.histogram());
                    long session = withSession - base;
                    long perTunnel = (withTunnels - withSession - session) / tunnels;
                    System.out.printf("a session with no tunnel: %+,d B of heap (server and client sides)%n", session);
                    System.out.printf("a session with %,d tunnels (%d ready): %+,d B%n", tunnels, ready, withTunnels - withSession);
                    System.out.println();
                    HeapProbe.printTopClasses(delta, tunnels, "tunnel", "server and client sides, session included");
                    System.out.println();
                    System.out.printf("IDLE TUNNEL HEAP: %,d B per idle TCP tunnel (server and client together,"
                            + " the second session's own cost subtracted); server process heap with %,d tunnels: %,d B%n",
                            perTunnel, tunnels, withTunnels);
                }
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private static TunnelClient client(TunnelServer server, int tunnels) throws java.io.IOException {
        ClientSettings.Builder b = ClientSettings.builder(server.controlAddress(), server.id()).token("bench");
        for (int i = 0; i < tunnels; i++) {
            b.tunnel(TunnelSpec.tcp("t" + i, 0, "127.0.0.1", 9));
        }
        return TunnelClient.start(b.build(), ClientEvents.NONE);
    }
}
