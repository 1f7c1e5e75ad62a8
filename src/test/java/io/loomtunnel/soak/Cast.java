package io.loomtunnel.soak;

import io.loomtunnel.tls.Identity;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * The processes of a soak, each the fat jar run as {@code java -jar loomtunnel.jar ...}: a server
 * (control, HTTP ingress, admin endpoint), client A (bulk TCP, UDP; admin endpoint), client B
 * (HTTP, WebSocket, small TCP; admin endpoint), client C (TCP and UDP, in the namespace behind the emulated link
 * when there is one), a share and two connects (one direct, one through the server's relay), all
 * with server signaling. Every port is fixed before the first start, so a process started again
 * takes the same ones and the traffic's targets never change.
 */
final class Cast {
    static final String TOKEN = "soak-token-0123456789abcdef";

    /** Where the local services listen: {@code local} for A, B and the share; {@code linked} for C (the root end of the link). */
    record Services(InetAddress local, int echo, int udpEcho, int httpApp, int webSocketApp,
            InetAddress linked, int linkedEcho, int linkedUdpEcho) {}

    final InetAddress serverHost;
    final int control;
    final int http;
    final int admin;
    final int adminA;
    final int adminB;
    final int tcpA;
    final int udpA;
    final int tcpB;
    final int tcpC;
    final int udpC;
    final int direct;
    final int relay;
    final Member server;
    final Member clientA;
    final Member clientB;
    final Member clientC;
    final Member share;
    final Member connectDirect;
    final Member connectRelay;

    /**
     * {@code java}: the JVM and its options up to and including the jar; {@code peerNamespace}:
     * where client C runs (null: beside the others); {@code serverHost}: the address the server
     * binds, reachable from C's namespace when there is one.
     */
    Cast(List<String> java, Path work, Path logs, InetAddress serverHost, String peerNamespace, Services s, Env env)
            throws IOException {
        this.serverHost = serverHost;
        InetAddress loopback = InetAddress.getLoopbackAddress();
        control = freePort(serverHost);
        http = freePort(loopback);
        admin = freePort(loopback);
        adminA = freePort(loopback);
        adminB = freePort(loopback);
        tcpA = freePort(serverHost);
        udpA = freePort(serverHost);
        tcpB = freePort(serverHost);
        tcpC = freePort(serverHost);
        udpC = freePort(serverHost);
        direct = freePort(loopback);
        relay = freePort(loopback);

        Path tokens = secret(work.resolve("tokens.txt"), TOKEN + "\n");
        Path token = secret(work.resolve("token.txt"), TOKEN + "\n");
        String serverId = key(work.resolve("server.key"));
        String shareId = key(work.resolve("share.key"));
        String directId = key(work.resolve("direct.key"));
        String relayId = key(work.resolve("relay.key"));
        String controlAddress = serverHost.getHostAddress() + ":" + control;
        List<String> toServer = List.of("--server", controlAddress, "--server-id", serverId, "--token-file", token.toString());
        String local = s.local().getHostAddress();

        server = new Member("server", Part.SERVER, command(java, null, List.of("server", "--bind", controlAddress,
                "--key", work.resolve("server.key").toString(), "--tokens-file", tokens.toString(),
                "--http-bind", "127.0.0.1:" + http, "--domain", "localhost", "--admin-bind", "127.0.0.1:" + admin)), logs, env);
        clientA = new Member("client-a", Part.CLIENT_A, command(java, null, join(List.of("client"), toServer, List.of(
                "--tcp", tcpA + ":" + local + ":" + s.echo(), "--udp", udpA + ":" + local + ":" + s.udpEcho(),
                "--admin-bind", "127.0.0.1:" + adminA))), logs, env);
        clientB = new Member("client-b", Part.CLIENT_B, command(java, null, join(List.of("client"), toServer, List.of(
                "--http", "web:" + local + ":" + s.httpApp(), "--http", "ws:" + local + ":" + s.webSocketApp(),
                "--tcp", tcpB + ":" + local + ":" + s.echo(), "--admin-bind", "127.0.0.1:" + adminB))), logs, env);
        String linked = s.linked().getHostAddress();
        clientC = new Member("client-c", Part.CLIENT_C, command(java, peerNamespace, join(List.of("client"), toServer, List.of(
                "--tcp", tcpC + ":" + linked + ":" + s.linkedEcho(), "--udp", udpC + ":" + linked + ":" + s.linkedUdpEcho()))), logs, env);
        List<String> signal = join(List.of("--signal", "server"), toServer, List.of("--bind", "127.0.0.1:0"));
        share = new Member("share", Part.SHARE, command(java, null, join(List.of("share", "--key", work.resolve("share.key").toString(),
                "--allow", directId, "--allow", relayId, "--tcp", "echo=" + local + ":" + s.echo()), signal)), logs, env);
        // Direct on loopback: the relay only after 30 s, so this one stays off the server's path.
        connectDirect = new Member("connect-direct", Part.CONNECT_DIRECT, command(java, null, join(List.of("connect",
                "--key", work.resolve("direct.key").toString(), "--peer", shareId, "--service", "echo",
                "--listen", "127.0.0.1:" + direct, "--relay-after", "30s", "--punch-timeout", "30s"), signal)), logs, env);
        connectRelay = new Member("connect-relay", Part.CONNECT_RELAY, command(java, null, join(List.of("connect",
                "--key", work.resolve("relay.key").toString(), "--peer", shareId, "--service", "echo",
                "--listen", "127.0.0.1:" + relay, "--relay-only"), signal)), logs, env);
    }

    List<Member> all() {
        return List.of(server, clientA, clientB, clientC, share, connectDirect, connectRelay);
    }

    InetSocketAddress at(int port) {
        return new InetSocketAddress(serverHost, port);
    }

    static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /**
     * Starts every process: the server first, so the others find it at once; the connects once the
     * share is registered, since a connect that finds no share on its first try exits (code 25).
     */
    void start() throws IOException, InterruptedException {
        server.start();
        awaitPort(at(control));
        for (Member m : List.of(clientA, clientB, clientC, share)) {
            m.start();
        }
        share.current().await("ready for connecting peers", java.time.Duration.ofSeconds(120));
        connectDirect.start();
        connectRelay.start();
    }

    /** Waits (up to 60 s) until something accepts connections at {@code address}. */
    static void awaitPort(InetSocketAddress address) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(address, 1_000);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("nothing listens at " + address + " after 60 s");
                }
                Thread.sleep(200);
            }
        }
    }

    private static List<String> command(List<String> java, String namespace, List<String> args) {
        List<String> c = new ArrayList<>();
        if (namespace != null) {
            c.addAll(List.of("ip", "netns", "exec", namespace));
        }
        c.addAll(java);
        c.addAll(args);
        return c;
    }

    @SafeVarargs
    private static List<String> join(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> p : parts) {
            all.addAll(p);
        }
        return all;
    }

    /** A new key in {@code file} (an earlier run's in the same directory is replaced: Identity never overwrites one). */
    private static String key(Path file) throws IOException {
        Files.deleteIfExists(file);
        Identity.generate().save(file);
        return Identity.load(file).id().toString();
    }

    private static Path secret(Path file, String content) throws IOException {
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    static int freePort(InetAddress address) throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, address)) {
            return probe.getLocalPort();
        }
    }
}
