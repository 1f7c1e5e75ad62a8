package io.loomtunnel.bench.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Start-up and warm-up of a fresh loomtunnel server and client (the JVM options of the run, so the
 * AOT cache when scripts/bench-e2e found one): how long from starting the server process until its
 * control port listens, and from starting the client until its tunnel is open; then one stream
 * downloading through the tunnel for the first {@link #WINDOW} after that, and again once warm. The
 * other figures of the run are all warm; this is what a user sees in the first seconds. Medians
 * over a few fresh pairs.
 */
final class StartupScenario implements Scenario {
    /** The measured windows: the first seconds of a fresh pair, and the same once it is warm. */
    static final Duration WINDOW = Duration.ofSeconds(5);
    /** Unmeasured traffic between the two windows: long enough for the JIT to finish its work. */
    private static final Duration WARM_UP = Duration.ofSeconds(20);
    /** --smoke only checks that the scenario runs: one-second windows, no real warm-up. */
    private static final Duration SMOKE_WINDOW = Duration.ofSeconds(1);
    /** The figure the brief's target reads, whatever the window. */
    static final String RATIO = "first seconds % of warm";
    /** A length no window reaches: the download is stopped by closing, not by the service. */
    private static final long ENDLESS = 1L << 50;

    @Override
    public String name() {
        return "startup";
    }

    @Override
    public String describe(boolean quick) {
        return String.format("fresh loomtunnel server and client: ms until each is ready, MB/s down one stream in the"
                + " first %d s, then in %d s once warm (after %d s more); median of %d fresh pairs%s",
                WINDOW.toSeconds(), WINDOW.toSeconds(), WARM_UP.toSeconds(), rounds(quick),
                quick ? " (--quick: one pair; --smoke: 1 s windows)" : "");
    }

    private static int rounds(boolean quick) {
        return quick ? 1 : 3;
    }

    @Override
    public void run(Run run) throws Exception {
        Path dir = Files.createTempDirectory(run.dir, "startup");
        int echo = run.servicePort(Service.ECHO);
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        try {
            for (int round = 0; round < rounds(run.quick); round++) {
                try (Procs procs = new Procs()) {
                    Loomtunnel lt = new Loomtunnel(procs, dir, run.jar, run.tunnelJvmOptions);
                    long start = System.nanoTime();
                    Loomtunnel.Server server = lt.server();
                    add(samples, "server ready ms", (System.nanoTime() - start) / 1e6);
                    start = System.nanoTime();
                    Proc client = lt.client(server, List.of("--tcp", "echo=0:127.0.0.1:" + echo));
                    int port = Integer.parseInt(client.await("tcp\\s+echo\\s+localhost:(\\d+)", Loomtunnel.START).group(1));
                    add(samples, "client ready ms (tunnel open)", (System.nanoTime() - start) / 1e6);
                    boolean smoke = run.peerNames.equals(Peers.SMOKE);
                    Duration window = smoke ? SMOKE_WINDOW : WINDOW;
                    double first = download(port, window);
                    download(port, smoke ? SMOKE_WINDOW : WARM_UP);
                    double warm = download(port, window);
                    add(samples, "first " + window.toSeconds() + " s MB/s", first);
                    add(samples, "warm " + window.toSeconds() + " s MB/s", warm);
                    add(samples, RATIO, 100 * first / warm);
                }
            }
        } catch (Exception e) {
            run.fail(this, Peers.LOOMTUNNEL, e);
        }
        Map<String, Double> figures = new LinkedHashMap<>();
        samples.forEach((k, v) -> figures.put(k, median(v)));
        run.results.put(name(), Peers.LOOMTUNNEL, figures, false);
        System.out.printf("%-10s %s%n", Peers.LOOMTUNNEL, figures);
    }

    /** MB/s received on one connection from the service's source during {@code window}. */
    private static double download(int port, Duration window) throws Exception {
        try (Socket s = Echo.connect(port)) {
            Echo.header(s.getOutputStream(), Echo.SOURCE, ENDLESS);
            InputStream in = s.getInputStream();
            byte[] buffer = new byte[Echo.CHUNK];
            long start = System.nanoTime();
            long end = start + window.toNanos();
            long bytes = 0;
            while (System.nanoTime() < end) {
                int n = in.read(buffer);
                if (n < 0) {
                    throw new IOException("the source closed after " + bytes + " bytes");
                }
                bytes += n;
            }
            return bytes / 1e6 / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static void add(Map<String, List<Double>> samples, String name, double value) {
        samples.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
