package io.loomtunnel.bench.e2e;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * HTTP/1.1 GET requests over keep-alive connections to {@link HttpService}: directly, through the
 * loomtunnel server's HTTP ingress (routed by Host to the client's http tunnel), and through socat
 * and ssh as plain TCP relays. Requests/s and latency percentiles, after unmeasured batches of a fifth of the
 * count until two agree ({@link WarmUp}).
 * Then the {@link H2loadRows}: HTTPS and HTTP/2 through loomtunnel, and h2load's HTTP/1.1 beside them.
 */
final class HttpScenario implements LoadScenario {
    /** The host the loomtunnel server routes to the bench's http tunnel; the other targets ignore it. */
    static final String HOST = Peers.HTTP_NAME + ".localhost";
    private static final int CONNECTIONS = 8;
    /** Most unmeasured batches of a full run's warm-up (a fifth of the measured count each). */
    private static final int WARM_UP_BATCHES = 12;
    private static final byte[] REQUEST = ("GET / HTTP/1.1\r\nHost: " + HOST + "\r\nUser-Agent: loomtunnel-bench\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);

    @Override
    public String name() {
        return "http";
    }

    @Override
    public Service service() {
        return Service.HTTP;
    }

    @Override
    public String describe(boolean quick) {
        return String.format("%,d GET requests (%d B responses) over %d keep-alive connections after %s%s;"
                        + " then h2load's rows: HTTPS and HTTP/2 through loomtunnel",
                requests(quick), HttpService.BODY_BYTES, CONNECTIONS,
                quick ? String.format("%,d unmeasured", requests(quick) / 5)
                        : WarmUp.describe(String.format("batches of %,d", requests(quick) / 5), WARM_UP_BATCHES),
                quick ? " (--quick: full run sends 40,000)" : "");
    }

    static int requests(boolean quick) {
        return quick ? 2_000 : 40_000;
    }

    /** The HTTP/1.1 rows of every target, then the h2load rows of the targets that have them. */
    @Override
    public void run(Run run) throws Exception {
        List<Target> targets = run.sharedTargets();
        run.loadEach(this, targets);
        H2loadRows.run(run, this, targets);
    }

    @Override
    public Map<String, Double> load(int port, boolean quick, Map<String, Long> processes) throws Exception {
        int batch = requests(quick) / 5;
        int batches = WarmUp.untilSteady(quick ? 1 : WARM_UP_BATCHES, () -> {
            long start = System.nanoTime();
            requests(port, batch, new Counts());
            return batch / ((System.nanoTime() - start) / 1e9);
        });
        Counts counts = new Counts();
        RelayCost cost = RelayCost.of(processes);
        long start = System.nanoTime();
        requests(port, requests(quick), counts);
        double seconds = (System.nanoTime() - start) / 1e9;
        Histogram h = counts.latency.getIntervalHistogram();
        Map<String, Double> figures = new LinkedHashMap<>();
        cost.since(processes, requests(quick), "", "request", figures);
        figures.put("requests/s", h.getTotalCount() / seconds);
        figures.put("requests", (double) h.getTotalCount());
        figures.put("errors", (double) counts.errors.get());
        figures.put("connections", (double) counts.connections.get());
        figures.put("warm-up batches", (double) batches);
        LatencyScenario.percentiles(figures, "", h);
        return figures;
    }

    /** What one batch of requests saw: latency of each good response, errors, connections opened. */
    private static final class Counts {
        final Recorder latency = new Recorder(3);
        final AtomicInteger errors = new AtomicInteger();
        final AtomicInteger connections = new AtomicInteger();
    }

    /**
     * {@code count} requests shared by {@link #CONNECTIONS} connections. A failed request or connection
     * is counted, uses up one request of the count (so a dead relay cannot loop) and the connection is replaced.
     */
    private static void requests(int port, int count, Counts counts) throws InterruptedException {
        AtomicInteger left = new AtomicInteger(count);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < CONNECTIONS; c++) {
            threads.add(Thread.ofVirtual().start(() -> {
                while (left.get() > 0) {
                    try (Socket s = Echo.connect(port)) {
                        counts.connections.incrementAndGet();
                        keepAlive(s, left, counts);
                    } catch (IOException e) {
                        counts.errors.incrementAndGet();
                        left.decrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join(); // every request is bounded by the socket timeouts
        }
    }

    /** Requests on one connection until none are left or the server closes it. */
    private static void keepAlive(Socket s, AtomicInteger left, Counts counts) throws IOException {
        OutputStream out = s.getOutputStream();
        InputStream in = new BufferedInputStream(s.getInputStream());
        while (left.getAndDecrement() > 0) {
            long start = System.nanoTime();
            out.write(REQUEST);
            String head = HttpHead.read(in);
            if (head == null) {
                throw new IOException("connection closed before the response");
            }
            in.skipNBytes(HttpHead.contentLength(head));
            if (head.startsWith("HTTP/1.1 200 ")) {
                counts.latency.recordValue(System.nanoTime() - start);
            } else {
                counts.errors.incrementAndGet();
            }
            if (HttpHead.closes(head)) {
                return;
            }
        }
    }
}
