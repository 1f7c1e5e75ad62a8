package io.loomtunnel.soak;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Quick checks that a path works, one per route the traffic takes: a small TCP echo, a datagram
 * there and back, an HTTP request. A fault's window closes only when every probe through the parts
 * it hit works again; the run starts only when all of them work.
 */
final class Probes {
    /** One check of one route. */
    interface Check {
        boolean works() throws Exception;
    }

    /** A named check and the parts its route crosses. */
    record Probe(String name, Set<Part> path, Check check) {}

    private final List<Probe> probes = new ArrayList<>();
    private final Env env;

    Probes(Env env) {
        this.env = env;
    }

    void add(String name, Set<Part> path, Check check) {
        probes.add(new Probe(name, Set.copyOf(path), check));
    }

    /**
     * Waits until every probe whose route crosses one of {@code hit} works (each once), up to
     * {@code limit}; returns null, or the names of those that did not.
     */
    String recover(Set<Part> hit, Duration limit) throws InterruptedException {
        List<Probe> pending = new ArrayList<>(probes.stream().filter(p -> p.path().stream().anyMatch(hit::contains)).toList());
        long deadline = System.nanoTime() + limit.toNanos();
        while (!pending.isEmpty() && !env.verdict().failed()) {
            pending.removeIf(Probes::passes);
            if (pending.isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(250);
        }
        return pending.isEmpty() ? null : pending.stream().map(Probe::name).collect(Collectors.joining(", "));
    }

    private static boolean passes(Probe p) {
        try {
            return p.check().works();
        } catch (Exception notYet) {
            return false;
        }
    }

    static boolean tcp(InetSocketAddress target) throws InterruptedException {
        return TcpExchange.run(target, 42, 4_096, TcpExchange.Mode.WHOLE, -1, 0, 3_000).whole();
    }

    static boolean udp(InetSocketAddress target) throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(0))) {
            s.setSoTimeout(1_000);
            byte[] probe = "soak probe".getBytes(StandardCharsets.US_ASCII);
            s.send(new DatagramPacket(probe, probe.length, target));
            DatagramPacket reply = new DatagramPacket(new byte[64], 64);
            s.receive(reply);
            return Arrays.equals(probe, Arrays.copyOf(reply.getData(), reply.getLength()));
        }
    }

    static boolean webSocket(InetSocketAddress ingress, String host) throws IOException {
        byte[] frame = Payload.of(9, 1_000);
        try (Socket s = WebSocketFlow.upgrade(ingress, host, new byte[16], 3_000)) {
            WebSocketCodec.write(s.getOutputStream(), WebSocketCodec.BINARY, frame, new byte[] {1, 2, 3, 4});
            return Arrays.equals(frame, WebSocketCodec.read(s.getInputStream(), frame.length).payload());
        }
    }

    static boolean http(InetSocketAddress ingress, String host) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(ingress, 3_000);
            s.setSoTimeout(3_000);
            byte[] body = Payload.of(7, 100);
            OutputStream out = s.getOutputStream();
            out.write(("POST /probe HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: 100\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            HttpWire.Response r = HttpWire.readResponse(s.getInputStream());
            return r.status() == 200 && Arrays.equals(r.body(), body);
        }
    }
}
