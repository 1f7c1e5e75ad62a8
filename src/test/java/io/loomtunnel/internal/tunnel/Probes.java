package io.loomtunnel.internal.tunnel;

import java.io.IOException;
import java.io.OutputStream;
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
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * What tests send through tunnels: a TCP round trip (and one checked by SHA-256), UDP datagrams
 * (and an echo conversation), a raw HTTP GET, and patient retries that say what they waited for.
 */
public final class Probes {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private Probes() {}

    /** Sends {@code data}, half-closes, and returns everything that comes back until the far end closes. */
    public static byte[] roundTrip(int port, byte[] data) throws IOException {
        try (Socket s = new Socket(LOOPBACK, port)) {
            s.setSoTimeout(30_000);
            return roundTrip(s, data);
        }
    }

    /** The same over a connected socket, whose read timeout the caller has set; leaves it open. */
    public static byte[] roundTrip(Socket s, byte[] data) throws IOException {
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
     * Sends {@code size} random bytes (seeded by the port) paced at 32 KiB per 25 ms, so that many
     * such transfers are all still running when a test breaks something; counts {@code underWay}
     * down once the first chunk is out; true if everything came back intact.
     */
    public static boolean slowEchoIntact(int port, int size, CountDownLatch underWay) throws IOException, InterruptedException {
        byte[] data = new byte[size];
        new Random(port).nextBytes(data);
        try (Socket s = new Socket(LOOPBACK, port)) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    for (int off = 0; off < size; off += 32 * 1024) {
                        out.write(data, off, Math.min(32 * 1024, size - off));
                        if (off == 0) {
                            underWay.countDown();
                        }
                        Thread.sleep(25);
                    }
                    s.shutdownOutput();
                } catch (IOException | InterruptedException e) {
                    // the reader sees the damage
                }
            });
            byte[] back = s.getInputStream().readAllBytes();
            writer.join();
            return MessageDigest.isEqual(sha256(data), sha256(back));
        }
    }

    /**
     * Talks to the "echo:" UDP service behind {@code port}: waits (up to 20 s) until a first
     * datagram comes back (an AssertionError if none does), then checks that 20 more each come back in turn.
     */
    public static boolean udpEchoes(int port) throws IOException, InterruptedException {
        try (DatagramSocket app = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            app.setSoTimeout(1000);
            eventually(Duration.ofSeconds(20), "a first datagram came back from the UDP echo service", () -> {
                send(app, port, "first");
                return receive(app).equals("echo:first");
            });
            for (int i = 0; i < 20; i++) {
                send(app, port, "datagram " + i);
                if (!receive(app).equals("echo:datagram " + i)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** A condition {@link #eventually} retries: it holds when it returns true, and may throw (or fail an assertion) while it does not. */
    public interface Check {
        boolean ok() throws Exception;
    }

    /** Like {@link #eventually(Duration, Supplier, Check)} with a fixed description. */
    public static void eventually(Duration timeout, String what, Check check) throws InterruptedException {
        eventually(timeout, () -> what, check);
    }

    /**
     * Retries {@code check} every 50 ms until it holds.
     *
     * @param what says what was awaited; asked for only on timeout, so it may describe the state then
     * @throws AssertionError when {@code timeout} passes first: its message says what was awaited and
     *     how the last try failed; the last exception or assertion error a try threw is its cause
     */
    public static void eventually(Duration timeout, Supplier<String> what, Check check) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Throwable lastThrown = null;
        boolean lastTryThrew;
        do {
            try {
                if (check.ok()) {
                    return;
                }
                lastTryThrew = false;
            } catch (Exception | AssertionError notYet) {
                lastThrown = notYet;
                lastTryThrew = true;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        String last = lastTryThrew ? "the last try threw " + lastThrown
                : "the last try returned false" + (lastThrown == null ? "" : "; an earlier one threw " + lastThrown);
        throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what.get() + " (" + last + ")", lastThrown);
    }
}
