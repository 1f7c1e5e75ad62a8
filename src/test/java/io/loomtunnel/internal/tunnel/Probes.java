package io.loomtunnel.internal.tunnel;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

/**
 * What tests send through tunnels: a TCP round trip (and one checked by SHA-256), UDP datagrams
 * (and an echo conversation), a raw HTTP GET, and patient retries.
 */
public final class Probes {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private Probes() {}

    /** Sends {@code data}, half-closes, and returns everything that comes back until the far end closes. */
    public static byte[] roundTrip(int port, byte[] data) throws IOException {
        try (Socket s = new Socket(LOOPBACK, port)) {
            s.setSoTimeout(30_000);
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    s.getOutputStream().write(data);
                    s.shutdownOutput();
                } catch (IOException ignored) {
                    // the reading side reports the failure
                }
            });
            byte[] back = s.getInputStream().readAllBytes();
            try {
                writer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return back;
        }
    }

    public static void send(DatagramSocket s, int port, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        s.send(new DatagramPacket(b, b.length, new InetSocketAddress(LOOPBACK, port)));
    }

    public static String receive(DatagramSocket s) throws IOException {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        s.receive(p);
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
    }

    /** The port of a public address as a server reports it, {@code host:port}. */
    public static int port(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    /** A one-shot HTTP/1.1 GET with the given Host header; returns the whole response. */
    public static String httpGet(int port, String host, String path) throws IOException {
        try (Socket s = new Socket(LOOPBACK, port)) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    public static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sends {@code bytes} random bytes (from {@code seed}) to an echo service behind {@code port}
     * and says whether what came back has the same SHA-256.
     */
    public static boolean echoIntact(int port, int bytes, long seed) throws IOException {
        byte[] data = new byte[bytes];
        new Random(seed).nextBytes(data);
        return Arrays.equals(sha256(data), sha256(roundTrip(port, data)));
    }

    /**
     * Talks to the "echo:" UDP service behind {@code port}: waits (up to 20 s) until a first
     * datagram comes back, then checks that 20 more each come back in turn.
     */
    public static boolean udpEchoes(int port) throws IOException, InterruptedException {
        try (DatagramSocket app = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            app.setSoTimeout(1000);
            if (!eventually(Duration.ofSeconds(20), () -> {
                send(app, port, "first");
                return receive(app).equals("echo:first");
            })) {
                return false;
            }
            for (int i = 0; i < 20; i++) {
                send(app, port, "datagram " + i);
                if (!receive(app).equals("echo:datagram " + i)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** A check that may throw while the condition does not hold yet. */
    public interface Check {
        boolean ok() throws Exception;
    }

    /** Retries {@code check} until it holds or {@code timeout} passes. */
    public static boolean eventually(Duration timeout, Check check) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (check.ok()) {
                    return true;
                }
            } catch (Exception notYet) {
                // try again
            }
            Thread.sleep(50);
        }
        return false;
    }
}
