package io.loomtunnel.internal.cli;

import io.loomtunnel.tls.Identity;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

/**
 * The training run of the JDK's AOT cache (scripts/aot-cache, under {@code -XX:AOTCacheOutput}):
 * a {@code server} and a {@code client} command as users start them (and a {@code demo}), parsed
 * and run by {@link Main} in this one JVM, with traffic through their tunnels as a tunnel's day goes (small
 * HTTP requests on fresh and on kept-alive connections, then bulk both ways). The cache then
 * holds the classes, linked call sites and profiles of exactly those paths: the server and client
 * commands start from it, where a cache trained on {@code demo} missed their option parsing,
 * configuration and key loading. Every step is bounded in time; the JVM exits when done (1 if a
 * step failed), which is when it writes the cache. Not a user command: {@code java -cp
 * loomtunnel.jar} runs it.
 */
public final class AotTraining {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration READY = Duration.ofSeconds(60);
    /** How long the demo runs before it stops by itself. */
    private static final Duration DEMO = Duration.ofSeconds(5);
    private static final int FRESH_REQUESTS = 40;
    private static final int KEPT_ALIVE_REQUESTS = 2_000;
    private static final int BULK_BYTES = 16 << 20;

    private AotTraining() {}

    public static void main(String[] args) {
        int code = 1;
        try {
            train();
            code = 0;
        } catch (Exception | AssertionError e) {
            System.err.println("aot training: " + e);
        }
        // The server and client commands run until stopped, on threads that would keep the JVM
        // alive: exit either way (the JVM writes the cache as it exits; scripts/lib.sh keeps it only after 0).
        System.exit(code);
    }

    private static void train() throws Exception {
        Path dir = Files.createTempDirectory("loomtunnel-aot-training");
        Path tokens = secret(dir.resolve("tokens.txt"), "aot-training-" + Long.toHexString(System.nanoTime()));
        Path key = dir.resolve("server.key");
        Path config = Files.writeString(dir.resolve("server.toml"), "[limits]\nmax_connections_per_source = 1000\n"
                + "[http]\nidle_timeout = \"60s\"\n"); // the TOML path too, as servers are mostly configured
        try (DemoApp app = DemoApp.start()) {
            String id = Identity.loadOrCreate(key).id().toString();
            int control = freePort();
            int http = freePort();
            int tcp = freePort();
            run("server", "--config", config.toString(), "--bind", "127.0.0.1:" + control, "--http-bind", "127.0.0.1:" + http,
                    "--domain", "localhost", "--key", key.toString(), "--tokens-file", tokens.toString());
            awaitListening(control);
            run("client", "--server", "127.0.0.1:" + control, "--server-id", id, "--token-file", tokens.toString(),
                    "--http", "train:127.0.0.1:" + app.webPort(), "--tcp", "echo=" + tcp + ":127.0.0.1:" + app.echoPort(),
                    "--admin-bind", "127.0.0.1:0");
            awaitListening(tcp);
            // The demo's start too (the README's first command); it stops by itself and removes its files.
            int[] demoExit = {-1};
            Thread demo = Thread.ofPlatform().name("aot training: demo")
                    .start(() -> demoExit[0] = Main.run("demo", "--http-port", "0", "--duration", DEMO.toSeconds() + "s"));
            awaitAnswer(http);
            for (int i = 0; i < FRESH_REQUESTS; i++) {
                try (Socket s = connect(http)) {
                    get(s, "close");
                }
            }
            try (Socket s = connect(http)) {
                for (int i = 0; i < KEPT_ALIVE_REQUESTS; i++) {
                    get(s, "keep-alive");
                }
            }
            for (int i = 0; i < 2; i++) {
                bulk(tcp);
            }
            if (!demo.join(READY.plus(DEMO)) || demoExit[0] != 0) {
                throw new IOException("the demo did not stop by itself with exit code 0 (" + demoExit[0] + ")");
            }
        } finally {
            for (Path f : new Path[] {tokens, key, config, dir}) {
                Files.deleteIfExists(f);
            }
        }
    }

    /** Runs a command as {@code loomtunnel ARGS...} would, on a thread of its own; a failure ends the training. */
    private static void run(String... args) {
        Thread.ofPlatform().name("aot training: " + args[0]).start(() -> {
            int code = Main.run(args);
            System.err.println("aot training: " + args[0] + " ended with exit code " + code);
            System.exit(1);
        });
    }

    private static void awaitListening(int port) throws IOException, InterruptedException {
        long end = System.nanoTime() + READY.toNanos();
        while (true) {
            try (Socket s = connect(port)) {
                return;
            } catch (IOException e) {
                if (System.nanoTime() > end) {
                    throw new IOException("nothing listens on port " + port + " after " + READY.toSeconds() + " s", e);
                }
                Thread.sleep(50);
            }
        }
    }

    /** Waits until the server routes the tunnel's host (the client registers it after its TCP port opens). */
    private static void awaitAnswer(int http) throws IOException, InterruptedException {
        long end = System.nanoTime() + READY.toNanos();
        while (true) {
            try (Socket s = connect(http)) {
                if (get(s, "close") == 200) {
                    return;
                }
            }
            if (System.nanoTime() > end) {
                throw new IOException("the http tunnel did not answer after " + READY.toSeconds() + " s");
            }
            Thread.sleep(50);
        }
    }

    /** One GET to the tunnel's host; its status. */
    private static int get(Socket s, String connection) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(("GET /training HTTP/1.1\r\nHost: train.localhost\r\nConnection: " + connection + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        InputStream in = s.getInputStream();
        String head = readHead(in);
        int status = Integer.parseInt(head.substring(9, 12));
        long length = head.lines().filter(l -> l.regionMatches(true, 0, "Content-Length:", 0, 15))
                .mapToLong(l -> Long.parseLong(l.substring(15).strip())).findFirst().orElse(0);
        in.skipNBytes(length);
        return status;
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || head.lastIndexOf("\r\n\r\n") != head.length() - 4) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("the connection ended in a response head");
            }
            head.append((char) c);
        }
        return head.toString();
    }

    /** BULK_BYTES through the TCP tunnel to the echo service and back, both directions at once. */
    private static void bulk(int port) throws Exception {
        try (Socket s = connect(port)) {
            Thread writer = Thread.ofVirtual().name("aot training: bulk writer").start(() -> {
                byte[] chunk = new byte[64 * 1024];
                try {
                    OutputStream out = s.getOutputStream();
                    for (int sent = 0; sent < BULK_BYTES; sent += chunk.length) {
                        out.write(chunk);
                    }
                    s.shutdownOutput();
                } catch (IOException ignored) {
                    // the read below sees the end
                }
            });
            s.getInputStream().skipNBytes(BULK_BYTES);
            writer.join();
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(LOOPBACK, port), 10_000);
        s.setSoTimeout(30_000);
        return s;
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK)) {
            return probe.getLocalPort();
        }
    }

    private static Path secret(Path file, String token) throws IOException {
        Files.writeString(file, token + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }
}
