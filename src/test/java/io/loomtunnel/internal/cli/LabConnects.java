package io.loomtunnel.internal.cli;

import io.loomtunnel.internal.tunnel.Probes;
import io.loomtunnel.p2p.ConnectEvents;
import io.loomtunnel.p2p.ConnectPeer;
import io.loomtunnel.p2p.ConnectSettings;
import io.loomtunnel.p2p.PeerSession;
import io.loomtunnel.p2p.Rendezvous;
import io.loomtunnel.tls.Identity;
import io.loomtunnel.tls.PeerId;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Many connect sessions from one JVM inside a NAT-lab host, for PeerToPeerLabIT's session-limit
 * scenario: one JVM costs a second of start-up where twenty `connect` processes would cost
 * twenty. Prints one line per event for the test to wait on.
 *
 * <pre>
 * SERVER SERVER_ID TOKEN_FILE SHARE_ID SESSIONS GO_FILE OTHER_PORT KEY...
 *   sets up SESSIONS sessions to service "echo" of SHARE_ID through the server (keys taken in turn),
 *   "session I PATH" for each, then "connected SESSIONS"; waits (60 s at most) for GO_FILE to exist;
 *   then a paced 2 MiB echo through every session's port and OTHER_PORT (another process's, which the
 *   test kills): "under way" once all run, "intact I" or "damaged I" for each own session, then a
 *   round trip through each: "after the kill N intact"; exit 0 only if all own sessions came through
 * </pre>
 */
public final class LabConnects {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private LabConnects() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(args));
    }

    private static int run(String[] args) throws Exception {
        String[] hostPort = args[0].split(":");
        Rendezvous server = new Rendezvous(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), PeerId.parse(args[1]),
                Files.readString(Path.of(args[2])).strip());
        PeerId share = PeerId.parse(args[3]);
        int sessions = Integer.parseInt(args[4]);
        Path go = Path.of(args[5]);
        int otherPort = Integer.parseInt(args[6]);
        List<Identity> keys = new ArrayList<>();
        for (String key : Arrays.copyOfRange(args, 7, args.length)) {
            keys.add(Identity.load(Path.of(key)));
        }
        List<ConnectPeer> peers = new ArrayList<>();
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            List<Future<PeerSession>> started = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                ConnectPeer peer = ConnectPeer.create(ConnectSettings.builder(keys.get(i % keys.size()), share, "echo",
                        new InetSocketAddress("127.0.0.1", 0)).build(), ConnectEvents.NONE);
                peers.add(peer);
                started.add(pool.submit(() -> peer.connect(server)));
            }
            for (int i = 0; i < sessions; i++) {
                say("session " + i + " " + started.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS).path());
            }
            say("connected " + sessions);
            long end = System.nanoTime() + WAIT.toNanos();
            while (!Files.exists(go) && System.nanoTime() < end) {
                Thread.sleep(50);
            }
            List<Integer> ports = new ArrayList<>();
            peers.forEach(p -> ports.add(p.localAddress().getPort()));
            ports.add(otherPort);
            CountDownLatch underWay = new CountDownLatch(ports.size());
            List<Future<Boolean>> transfers = new ArrayList<>();
            for (int port : ports) {
                transfers.add(pool.submit(() -> Probes.slowEchoIntact(port, 2 << 20, underWay)));
            }
            if (!underWay.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                say("not every transfer started");
                return 1;
            }
            say("under way");
            int intact = 0;
            for (int i = 0; i < sessions; i++) {
                boolean ok = transfers.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS);
                say((ok ? "intact " : "damaged ") + i);
                intact += ok ? 1 : 0;
            }
            byte[] after = "after the kill".getBytes(StandardCharsets.UTF_8);
            int still = 0;
            for (int i = 0; i < sessions; i++) {
                still += Arrays.equals(after, Probes.roundTrip(ports.get(i), after)) ? 1 : 0;
            }
            say("after the kill " + still + " intact");
            return intact == sessions && still == sessions ? 0 : 1;
        } catch (IOException e) {
            say("failed " + e);
            return 1;
        } finally {
            peers.forEach(ConnectPeer::close);
            pool.shutdownNow();
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
