package io.loomtunnel.server;

import io.loomtunnel.client.ClientEvents;
import io.loomtunnel.client.ClientSettings;
import io.loomtunnel.client.TunnelClient;
import io.loomtunnel.internal.tunnel.EchoServers;
import io.loomtunnel.internal.tunnel.Probes;
import io.loomtunnel.tunnel.TunnelSpec;
import java.io.Closeable;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A UDP tunnel's association table against senders that churn source ports (issue 11, finding 7),
 * over real sockets: while thousands of new source ports arrive, a new sender still gets a flow
 * and its echo. Churn comes from 127.0.0.2 (one source) or from 127.0.1.1-20 (many), the new
 * sender from 127.0.0.3.
 */
@Timeout(120)
class UdpFlowChurnTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TOKEN = "udp-churn-token";
    /** More source ports than the table's default 4,096 flows. */
    private static final int PORTS = 4_500;
    private static final int BATCH = 100;

    @Test
    void aNewSenderIsEchoedWhileOneSourceChurnsThousandsOfPorts(@TempDir Path dir) throws Exception {
        echoedDuringChurn(dir, 1);
    }

    @Test
    void aNewSenderIsEchoedWhileManySourcesFillTheTable(@TempDir Path dir) throws Exception {
        echoedDuringChurn(dir, 20);
    }

    /** Churns {@link #PORTS} ports spread over {@code sources} addresses, then (churn going on) a new sender is echoed. */
    private static void echoedDuringChurn(Path dir, int sources) throws Exception {
        int[] echo = new int[1];
        try (Closeable e = EchoServers.udp(echo);
             TunnelServer s = TunnelServer.start(ServerSettings.builder().bind(new InetSocketAddress(LOOPBACK, 0))
                     .keyFile(dir.resolve("server.key")).token(TOKEN).build(), ServerEvents.NONE);
             TunnelClient c = TunnelClient.start(ClientSettings.builder(s.controlAddress(), s.id()).token(TOKEN)
                     .tunnel(TunnelSpec.udp("dns", 0, "127.0.0.1", echo[0])).build(), ClientEvents.NONE)) {
            int port = Probes.port(c.awaitReady(WAIT).get(0).address());
            AtomicBoolean done = new AtomicBoolean();
            churn(s, port, sources, new AtomicBoolean()); // more senders than the table holds
            Thread churning = Thread.ofVirtual().name("test-udp-churn").start(() -> {
                for (int round = 0; round < 5 && !done.get(); round++) {
                    try {
                        churn(s, port, sources, done);
                    } catch (IOException | InterruptedException ex) {
                        return;
                    }
                }
            });
            try (DatagramSocket user = new DatagramSocket(new InetSocketAddress(address(127, 0, 0, 3), 0))) {
                user.setSoTimeout(500);
                Probes.eventually(WAIT, "a new sender is echoed during the churn", () -> {
                    Probes.send(user, port, "hello");
                    return Probes.receive(user).equals("echo:hello"); // a dropped datagram: a timeout, tried again
                });
            } finally {
                done.set(true);
                churning.join();
            }
        }
    }

    /**
     * One datagram from each of {@link #PORTS} fresh source ports, spread over {@code sources}
     * addresses 127.0.x.y, in batches the server is seen to take (a batch is sent again while the
     * server has counted fewer of its datagrams: on a busy machine the port's receive buffer overflows),
     * until {@code stop}.
     */
    private static void churn(TunnelServer server, int port, int sources, AtomicBoolean stop) throws IOException, InterruptedException {
        byte[] payload = "churn".getBytes(StandardCharsets.UTF_8);
        InetSocketAddress to = new InetSocketAddress(LOOPBACK, port);
        List<DatagramSocket> batch = new ArrayList<>();
        try {
            for (int i = 0; i < PORTS && !stop.get(); i += BATCH) {
                for (int j = i; j < Math.min(PORTS, i + BATCH); j++) {
                    InetAddress source = sources == 1 ? address(127, 0, 0, 2) : address(127, 0, 1, 1 + j % sources);
                    batch.add(new DatagramSocket(new InetSocketAddress(source, 0)));
                }
                long expected = received(server) + batch.size();
                for (int attempt = 0; attempt < 10 && received(server) < expected; attempt++) {
                    for (DatagramSocket s : batch) {
                        s.send(new DatagramPacket(payload, payload.length, to));
                    }
                    for (int wait = 0; wait < 20 && received(server) < expected; wait++) {
                        Thread.sleep(25);
                    }
                }
                batch.forEach(DatagramSocket::close);
                batch.clear();
            }
        } finally {
            batch.forEach(DatagramSocket::close);
        }
    }

    /** Datagrams the server's UDP tunnel took from the public so far, passed on or dropped. */
    private static long received(TunnelServer server) {
        return server.status().sessions().stream().flatMap(x -> x.tunnels().stream())
                .mapToLong(t -> t.datagramsIn() + t.datagramsDropped()).sum();
    }

    private static InetAddress address(int a, int b, int c, int d) throws IOException {
        return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
    }
}
