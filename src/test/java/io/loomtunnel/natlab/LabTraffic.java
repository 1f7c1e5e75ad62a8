package io.loomtunnel.natlab;

import io.loomtunnel.internal.tunnel.EchoServers;
import io.loomtunnel.internal.tunnel.Probes;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.Random;

/**
 * The services and the traffic peer-to-peer tests run inside the lab's hosts, one small JVM
 * each (the test JVM cannot reach the lab's addresses), printing one line per result:
 *
 * <pre>
 * echo                     TCP echo and UDP "echo:" services on 127.0.0.1; prints "echo tcp PORT udp PORT", runs until killed
 * tcp PORT BYTES SEED      BYTES random bytes through 127.0.0.1:PORT and back; "tcp intact BYTES" (exit 0) or "tcp damaged" (1)
 * held PORT BYTES SEED     the same, printing "connected" first, as soon as the connection is made (tests of connections
 *                          that wait for a session), and waiting up to 60 s for the echo
 * udp PORT                 datagrams through 127.0.0.1:PORT and back ({@link Probes#udpEchoes}); "udp intact" (0) or "udp failed" (1)
 * </pre>
 */
public final class LabTraffic {
    private LabTraffic() {}

    /** Starts the traffic tool inside {@code host}. */
    public static WatchedProcess start(LabHost host, String... args) {
        return NatProbe.startMain(host, LabTraffic.class, args);
    }

    public static void main(String[] args) throws Exception {
        int exit = switch (args.length == 0 ? "" : args[0]) {
            case "echo" -> echo();
            case "tcp" -> report(Probes.echoIntact(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3])),
                    "tcp intact " + args[2], "tcp damaged");
            case "held" -> report(held(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3])),
                    "tcp intact " + args[2], "tcp damaged");
            case "udp" -> report(Probes.udpEchoes(Integer.parseInt(args[1])), "udp intact", "udp failed");
            default -> {
                System.out.println("usage: see LabTraffic's class comment");
                yield 64;
            }
        };
        System.exit(exit);
    }

    private static int echo() throws IOException, InterruptedException {
        int[] tcp = new int[1];
        int[] udp = new int[1];
        EchoServers.tcp(tcp);
        EchoServers.udp(udp);
        System.out.println("echo tcp " + tcp[0] + " udp " + udp[0]);
        Thread.currentThread().join(); // until killed
        return 0;
    }

    private static boolean held(int port, int bytes, long seed) throws IOException {
        byte[] data = new byte[bytes];
        new Random(seed).nextBytes(data);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            System.out.println("connected");
            s.setSoTimeout(60_000);
            return Arrays.equals(Probes.sha256(data), Probes.sha256(Probes.roundTrip(s, data)));
        }
    }

    private static int report(boolean ok, String good, String bad) {
        System.out.println(ok ? good : bad);
        return ok ? 0 : 1;
    }
}
