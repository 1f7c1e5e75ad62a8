import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one feature costs on an http tunnel's path (docs/BENCHMARKS.md): one loomtunnel server and
 * one client with two http tunnels to the same local app, A with the feature and B without;
 * keep-alive GET requests through each in turn, A, B, then B, A, so both rows share processes, JIT
 * and machine load. Prints a Markdown table. Every wait is bounded. Modes:
 * <ul>
 * <li>{@code inspector} (scripts/bench-inspector): A "on" is captured by the request inspector,
 *     B "off" is not ({@code --no-inspect off});
 * <li>{@code policies} (scripts/bench-policies): A "policed" runs three built-in policies on the
 *     server's ingress (ip-allow, rate-limit with a bucket no run empties, headers), B "plain" none;
 *     capture is off for both.
 * </ul>
 *
 *   java TunnelAbBench.java inspector|policies JAR [REQUESTS_PER_ROW]
 */
public class TunnelAbBench {
    static final int CONNECTIONS = 8;
    static final long WAIT_SECONDS = 60;
    static final List<Process> PROCESSES = new ArrayList<>();

    /** The two tunnels (A with the feature, B without), the client's arguments for them, and the column's name. */
    record Mode(String a, String b, String column, List<String> clientArgs) {}

    static Mode mode(String name, int app, Path dir) throws IOException {
        return switch (name) {
            case "inspector" -> new Mode("on", "off", "capture",
                    List.of("--http", "on:127.0.0.1:" + app, "--http", "off:127.0.0.1:" + app, "--no-inspect", "off"));
            case "policies" -> {
                Path config = Files.writeString(dir.resolve("client.toml"), """
                        [[tunnels]]
                        name = "plain"
                        type = "http"
                        local = "127.0.0.1:%1$d"
                        host = "plain"

                        [[tunnels]]
                        name = "policed"
                        type = "http"
                        local = "127.0.0.1:%1$d"
                        host = "policed"
                        policies = [
                          { type = "ip-allow", cidrs = ["127.0.0.0/8", "::1/128"] },
                          { type = "rate-limit", requests = 1000000, per = "1s" },
                          { type = "headers", request_set = { "X-Bench" = "policed" }, response_remove = ["X-Powered-By"] },
                        ]
                        """.formatted(app));
                yield new Mode("policed", "plain", "policies", List.of("--config", config.toString(), "--no-inspect"));
            }
            default -> throw new IllegalArgumentException("mode must be inspector or policies, got " + name);
        };
    }

    public static void main(String[] args) throws Exception {
        String modeName = args[0];
        String jar = args[1];
        int requests = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        Path dir = Files.createTempDirectory("bench-" + modeName);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> PROCESSES.forEach(Process::destroyForcibly)));
        int app = app();
        Mode mode = mode(modeName, app, dir);
        Path tokens = secret(dir.resolve("tokens.txt"), "bench-tunnel-ab-token-0123456789\n");
        Path config = Files.writeString(dir.resolve("server.toml"), "[http]\nmax_connections_per_source = 1000\n");
        Lines server = start(jar, "server", "--config", config.toString(), "--bind", "127.0.0.1:0", "--http-bind", "127.0.0.1:0",
                "--domain", "localhost", "--key", dir.resolve("server.key").toString(), "--tokens-file", tokens.toString());
        String id = server.await("server id\\s+([a-z2-7]{52})").group(1);
        String control = server.await("control\\s+127\\.0\\.0\\.1:(\\d+)").group(1);
        int http = Integer.parseInt(server.await("http\\s+127\\.0\\.0\\.1:(\\d+)").group(1));
        List<String> clientArgs = new ArrayList<>(List.of("client", "--server", "127.0.0.1:" + control, "--server-id", id,
                "--token-file", tokens.toString(), "--no-dashboard"));
        clientArgs.addAll(mode.clientArgs());
        Lines client = start(jar, clientArgs.toArray(String[]::new));
        client.await("http\\s+" + mode.a() + "\\s+http://" + mode.a() + "\\.localhost");
        client.await("http\\s+" + mode.b() + "\\s+http://" + mode.b() + "\\.localhost");

        System.out.printf("%,d GET requests per row (64 B responses) over %d keep-alive connections, after %,d unmeasured per tunnel%n%n",
                requests, CONNECTIONS, requests / 5);
        run(http, mode.a(), requests / 5);
        run(http, mode.b(), requests / 5);
        System.out.println("| round | " + mode.column() + " | requests/s | mean latency ms | errors |");
        System.out.println("|---|---|---:|---:|---:|");
        for (int round = 1; round <= 2; round++) {
            // A, B, then B, A: a trend over the run (JIT, the machine's other load) favours neither row
            for (String tunnel : round == 1 ? List.of(mode.a(), mode.b()) : List.of(mode.b(), mode.a())) {
                double[] r = run(http, tunnel, requests);
                System.out.printf("| %d | %s | %,.0f | %.2f | %.0f |%n", round, tunnel, r[0], r[1], r[2]);
            }
        }
        PROCESSES.forEach(Process::destroy);
    }

    /** requests/s, mean latency (ms), errors for {@code count} requests to tunnel {@code host}. */
    static double[] run(int port, String host, int count) throws Exception {
        byte[] request = ("GET /bench?x=1 HTTP/1.1\r\nHost: " + host + ".localhost\r\nUser-Agent: bench-tunnel-ab\r\n"
                + "Accept: */*\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        AtomicInteger left = new AtomicInteger(count);
        AtomicInteger errors = new AtomicInteger();
        AtomicLong done = new AtomicLong();
        AtomicLong nanos = new AtomicLong();
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < CONNECTIONS; c++) {
            threads.add(Thread.ofVirtual().start(() -> {
                while (left.get() > 0) {
                    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                        s.setSoTimeout(30_000);
                        OutputStream out = s.getOutputStream();
                        InputStream in = new BufferedInputStream(s.getInputStream());
                        while (left.getAndDecrement() > 0) {
                            long t = System.nanoTime();
                            out.write(request);
                            String head = head(in);
                            if (head == null) {
                                throw new IOException("closed");
                            }
                            in.skipNBytes(contentLength(head));
                            if (head.startsWith("HTTP/1.1 200 ")) {
                                done.incrementAndGet();
                                nanos.addAndGet(System.nanoTime() - t);
                            } else {
                                errors.incrementAndGet();
                            }
                        }
                    } catch (IOException e) {
                        errors.incrementAndGet();
                        left.decrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new double[] {done.get() / seconds, done.get() == 0 ? 0 : nanos.get() / 1e6 / done.get(), errors.get()};
    }

    /** The local app: 200 with a 64-byte body to every request, keep-alive. */
    static int app() throws IOException {
        ServerSocket listener = new ServerSocket(0, 1000, InetAddress.getLoopbackAddress());
        byte[] body = new byte[64];
        Arrays.fill(body, (byte) 'x');
        byte[] response = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 64\r\n\r\n" + new String(body))
                .getBytes(StandardCharsets.ISO_8859_1);
        Thread.ofVirtual().start(() -> {
            while (true) {
                try {
                    Socket s = listener.accept();
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            InputStream in = new BufferedInputStream(s.getInputStream());
                            OutputStream out = s.getOutputStream();
                            for (String head; (head = head(in)) != null; ) {
                                in.skipNBytes(contentLength(head));
                                out.write(response);
                            }
                        } catch (IOException ignored) {
                            // the tunnel closed it
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        return listener.getLocalPort();
    }

    static String head(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) >= 0; ) {
            b.append((char) c);
            if (c == '\n' && b.length() >= 4 && b.lastIndexOf("\r\n\r\n") == b.length() - 4) {
                return b.toString();
            }
            if (b.length() > 65536) {
                throw new IOException("head too large");
            }
        }
        return null;
    }

    static long contentLength(String head) {
        Matcher m = Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(head);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    static Path secret(Path file, String content) throws IOException {
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /** A loomtunnel process whose output lines can be awaited. */
    record Lines(Process process, LinkedBlockingQueue<String> lines, List<String> seen) {
        Matcher await(String regex) throws Exception {
            Pattern p = Pattern.compile(regex);
            for (String line : seen) {
                Matcher m = p.matcher(line);
                if (m.find()) {
                    return m;
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (System.nanoTime() < deadline) {
                String line = lines.poll(1, TimeUnit.SECONDS);
                if (line != null) {
                    seen.add(line);
                    Matcher m = p.matcher(line);
                    if (m.find()) {
                        return m;
                    }
                }
            }
            throw new IOException("no line matching " + regex + " within " + WAIT_SECONDS + " s; saw " + seen);
        }
    }

    static Lines start(String jar, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        PROCESSES.add(p);
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>(10_000);
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.offer(line); // once full (a chatty process), later lines are dropped: only start-up lines are awaited
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        return new Lines(p, lines, new ArrayList<>());
    }
}
