package io.loomtunnel.natlab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * Plain-socket tools the lab tests run inside namespaces, one JVM each, printing one line per
 * event for the test to wait on. No loomtunnel code: they check the lab itself.
 *
 * <pre>
 * reflect ADDR:PORT...              UDP and TCP on each ADDR:PORT answer "seen IP:PORT", the sender's address
 * observe-udp LOCALPORT ADDR:PORT.. from one socket on LOCALPORT ask each reflector; "observed ADDR:PORT as IP:PORT"
 * listen PORT                       accept TCP; "accepted IP:PORT" for each connection
 * connect ADDR:PORT TIMEOUT_MS      one TCP connect; "connected LOCAL -> REMOTE" (exit 0) or "failed ..." (exit 1)
 * punch NAME LOCALPORT PEER:PORT DEADLINE_MS ATTEMPT_MS PAUSE_MS [VIA:PORT]
 *                                   with VIA: connect from LOCALPORT to a reflector first, print "public IP:PORT"
 *                                   and keep that connection open; then {@link SimultaneousOpen} to PEER; on success
 *                                   "punched attempts=N ms=M local=.. remote=..", both send "hello from NAME",
 *                                   "received hello from OTHER" (exit 0); else "gave up ..." (exit 2)
 * </pre>
 */
public final class NatProbe {
    private static final int READ_TIMEOUT_MS = 10_000;

    private NatProbe() {}

    /** Starts this probe inside {@code host} with {@code args}, on a small quick-starting JVM. */
    public static WatchedProcess start(LabHost host, String... args) {
        return startMain(host, NatProbe.class, args);
    }

    /** Starts {@code main}, a class of the test classes, inside {@code host} on a small quick-starting JVM. */
    static WatchedProcess startMain(LabHost host, Class<?> main, String... args) {
        String[] jvm = {"-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData",
                "-cp", classpath(), main.getName()};
        String[] all = Arrays.copyOf(jvm, jvm.length + args.length);
        System.arraycopy(args, 0, all, jvm.length, args.length);
        return host.startJava(Map.of(), all);
    }

    private static String classpath() {
        try {
            return Path.of(NatProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void main(String[] args) throws Exception {
        int exit = switch (args.length == 0 ? "" : args[0]) {
            case "reflect" -> reflect(Arrays.copyOfRange(args, 1, args.length));
            case "observe-udp" -> observeUdp(Integer.parseInt(args[1]), Arrays.copyOfRange(args, 2, args.length));
            case "listen" -> listen(Integer.parseInt(args[1]));
            case "connect" -> connect(address(args[1]), Integer.parseInt(args[2]));
            case "punch" -> punch(args);
            default -> {
                System.out.println("usage: see NatProbe's class comment");
                yield 64;
            }
        };
        System.exit(exit);
    }

    private static int reflect(String[] addresses) throws IOException, InterruptedException {
        for (String address : addresses) {
            InetSocketAddress at = address(address);
            DatagramSocket udp = new DatagramSocket(at);
            ServerSocket tcp = new ServerSocket();
            tcp.setReuseAddress(true);
            tcp.bind(at);
            Thread.ofPlatform().name("reflect-udp-" + address).start(() -> reflectUdp(udp));
            Thread.ofPlatform().name("reflect-tcp-" + address).start(() -> reflectTcp(tcp));
        }
        System.out.println("reflecting " + String.join(" ", addresses));
        Thread.currentThread().join(); // until killed
        return 0;
    }

    private static void reflectUdp(DatagramSocket udp) {
        byte[] buffer = new byte[512];
        while (true) {
            try {
                DatagramPacket in = new DatagramPacket(buffer, buffer.length);
                udp.receive(in);
                byte[] seen = ("seen " + text(in.getSocketAddress())).getBytes(StandardCharsets.UTF_8);
                udp.send(new DatagramPacket(seen, seen.length, in.getSocketAddress()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Tells each TCP client where it came from, then holds the connection until the client closes it. */
    private static void reflectTcp(ServerSocket tcp) {
        while (true) {
            try {
                Socket s = tcp.accept();
                Thread.ofVirtual().name("reflect-" + text(s.getRemoteSocketAddress())).start(() -> {
                    try (s) {
                        s.getOutputStream().write(("seen " + text(s.getRemoteSocketAddress()) + "\n").getBytes(StandardCharsets.UTF_8));
                        s.getInputStream().transferTo(OutputStream.nullOutputStream());
                    } catch (IOException gone) {
                        // the client went away
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static int observeUdp(int localPort, String[] reflectors) throws IOException {
        try (DatagramSocket s = new DatagramSocket(localPort)) {
            s.setSoTimeout(1_000);
            for (String reflector : reflectors) {
                String seen = askUdp(s, address(reflector));
                if (seen == null) {
                    System.out.println("no answer from " + reflector);
                    return 1;
                }
                System.out.println("observed " + reflector + " as " + seen);
            }
            return 0;
        }
    }

    /** Asks a reflector up to five times (UDP may lose a datagram); returns what it saw or null. */
    private static String askUdp(DatagramSocket s, InetSocketAddress reflector) throws IOException {
        byte[] buffer = new byte[512];
        for (int i = 0; i < 5; i++) {
            s.send(new DatagramPacket(new byte[] {'?'}, 1, reflector));
            try {
                DatagramPacket in = new DatagramPacket(buffer, buffer.length);
                s.receive(in);
                String answer = new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8);
                if (in.getSocketAddress().equals(reflector) && answer.startsWith("seen ")) {
                    return answer.substring(5);
                }
            } catch (SocketTimeoutException retry) {
                // ask again
            }
        }
        return null;
    }

    private static int listen(int port) throws IOException {
        try (ServerSocket server = new ServerSocket(port)) {
            System.out.println("listening " + port);
            while (true) {
                try (Socket s = server.accept()) {
                    System.out.println("accepted " + text(s.getRemoteSocketAddress()));
                }
            }
        }
    }

    private static int connect(InetSocketAddress to, int timeoutMs) {
        try (Socket s = new Socket()) {
            s.connect(to, timeoutMs);
            System.out.println("connected " + text(s.getLocalSocketAddress()) + " -> " + text(s.getRemoteSocketAddress()));
            return 0;
        } catch (IOException e) {
            System.out.println("failed " + e);
            return 1;
        }
    }

    private static int punch(String[] args) throws IOException, InterruptedException {
        String name = args[1];
        int localPort = Integer.parseInt(args[2]);
        InetSocketAddress peer = address(args[3]);
        Duration deadline = Duration.ofMillis(Long.parseLong(args[4]));
        Duration attempt = Duration.ofMillis(Long.parseLong(args[5]));
        Duration pause = Duration.ofMillis(Long.parseLong(args[6]));
        Socket signaling = null;
        if (args.length > 7) {
            signaling = SimultaneousOpen.bound(localPort);
            signaling.connect(address(args[7]), READ_TIMEOUT_MS);
            System.out.println("public " + firstLine(signaling).substring(5));
        }
        long started = System.nanoTime();
        SimultaneousOpen.Punched punched;
        try {
            punched = SimultaneousOpen.connect(localPort, peer, deadline, attempt, pause);
        } catch (SimultaneousOpen.GaveUp e) {
            System.out.println("gave up " + e.getMessage());
            return 2;
        }
        try (Socket s = punched.socket(); Socket held = signaling) {
            System.out.println("punched attempts=" + punched.attempts() + " ms=" + (System.nanoTime() - started) / 1_000_000
                    + " local=" + text(s.getLocalSocketAddress()) + " remote=" + text(s.getRemoteSocketAddress()));
            s.getOutputStream().write(("hello from " + name + "\n").getBytes(StandardCharsets.UTF_8));
            System.out.println("received " + firstLine(s));
            return 0;
        }
    }

    private static String firstLine(Socket s) throws IOException {
        s.setSoTimeout(READ_TIMEOUT_MS);
        String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (line == null) {
            throw new IOException("closed before a line came from " + text(s.getRemoteSocketAddress()));
        }
        return line;
    }

    private static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    /** {@code ip:port} without a host name or slash. */
    static String text(SocketAddress address) {
        InetSocketAddress a = (InetSocketAddress) address;
        InetAddress ip = a.getAddress();
        return (ip == null ? a.getHostString() : ip.getHostAddress()) + ":" + a.getPort();
    }
}
