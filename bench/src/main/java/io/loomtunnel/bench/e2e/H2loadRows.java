package io.loomtunnel.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * The http scenario's rows driven by h2load (Debian's nghttp2-client), the same 64 B GETs as the
 * other rows. HTTP/1.1 keep-alive on 8 connections (one request in flight each) straight to the app,
 * through loomtunnel and through ssh -L: the baseline of the same client for the rows below. Through
 * loomtunnel: HTTPS (HTTP/1.1 keep-alive over TLS 1.3 to the server's HTTPS listener), h2c with prior
 * knowledge on 8 connections with 1 stream each (as many requests in flight as the HTTP/1.1 rows)
 * and on 1 connection with 8 streams, and h2 by ALPN on the HTTPS listener. The app speaks HTTP/1.1
 * only: a visitor reaching it directly would use HTTP/1.1, so that is the direct row. A fifth of the
 * count runs first, unmeasured; latency percentiles come from h2load's per-request log.
 */
final class H2loadRows {
    private static final Pattern FINISHED = Pattern.compile("finished in [0-9.]+(?:us|ms|s), ([0-9.]+) req/s");
    private static final Pattern REQUESTS = Pattern.compile("requests: (\\d+) total, \\d+ started, (\\d+) done");
    private static final Pattern STATUS = Pattern.compile("status codes: (\\d+) 2xx");
    /** Requests per row in a --smoke run: it checks that the rows run, and adds a few seconds at most. */
    private static final int SMOKE_REQUESTS = 200;

    /** One row: the prefix of its metrics, whether it goes to the HTTPS listener, and h2load's options. */
    private record Row(String label, boolean tls, List<String> options) {}

    /** The rows' metric prefixes (the report reads them back). */
    static final String HTTP1 = "h2load HTTP/1.1 ";
    static final String HTTPS = "h2load HTTPS ";
    static final String H2C = "h2load h2c ";
    static final String H2C_MULTIPLEXED = "h2load h2c 1 conn x 8 streams ";
    static final String H2_TLS = "h2load h2 TLS ";

    private static final Row H1 = new Row(HTTP1, false, List.of("--h1", "-c", "8", "-m", "1"));
    private static final List<Row> THROUGH_LOOMTUNNEL = List.of(H1,
            new Row(HTTPS, true, List.of("--h1", "-c", "8", "-m", "1")),
            new Row(H2C, false, List.of("-c", "8", "-m", "1")),
            new Row(H2C_MULTIPLEXED, false, List.of("-c", "1", "-m", "8")),
            new Row(H2_TLS, true, List.of("-c", "8", "-m", "1")));

    private H2loadRows() {}

    /** Measures the rows of every target that has them; figures go to {@code http}'s results, failures there too. */
    static void run(Run run, Scenario http, List<Target> targets) {
        if (!Peers.onPath("h2load")) {
            String why = "h2load not found on PATH (Debian nghttp2-client; scripts/bench-e2e installs it when run as root)";
            run.skipped.put("h2load", why);
            System.out.println("skipping the h2load rows: " + why);
            return;
        }
        int count = run.smoke() ? SMOKE_REQUESTS : HttpScenario.requests(run.quick);
        for (Target t : targets) {
            List<Row> rows = t.name().equals(Peers.LOOMTUNNEL) ? THROUGH_LOOMTUNNEL
                    : t.name().equals(Peers.RAW) || t.name().equals(Peers.SSH_L) ? List.of(H1) : List.of();
            for (Row row : rows) {
                int port = row.tls() ? t.httpsPort() : t.relays(Service.HTTP) ? t.port(Service.HTTP) : -1;
                if (port <= 0) {
                    continue;
                }
                try {
                    h2load(run, row, port, count / 5, null);
                    Path log = Files.createTempFile(run.dir, "h2load", ".log");
                    Map<String, Double> figures = h2load(run, row, port, count, log);
                    run.results.put(http.name(), t.name(), figures, false);
                    System.out.printf("%-10s %s%n", t.name(), figures);
                } catch (Exception e) {
                    run.fail(http, t.name() + " (" + row.label().trim() + ")", e);
                }
            }
        }
    }

    /** One h2load run of {@code count} requests; with {@code log}, its figures (else it is a warm-up). */
    private static Map<String, Double> h2load(Run run, Row row, int port, int count, Path log) throws Exception {
        List<String> command = new ArrayList<>(List.of("h2load", "-n", String.valueOf(count), "-N", "30s"));
        command.addAll(row.options());
        if (log != null) {
            command.add("--log-file=" + log);
        }
        // the URI names the tunnel's host (Host or :authority, and SNI); --connect-to says where it is
        command.add("--connect-to=127.0.0.1:" + port);
        command.add((row.tls() ? "https://" : "http://") + HttpScenario.HOST + ":" + port + "/");
        List<String> out = run.procs.start("h2load", run.dir, command).finish(Duration.ofMinutes(run.quick ? 5 : 20));
        String all = String.join("\n", out);
        Matcher finished = FINISHED.matcher(all);
        Matcher requests = REQUESTS.matcher(all);
        Matcher status = STATUS.matcher(all);
        if (!finished.find() || !requests.find() || !status.find()) {
            throw new IOException("h2load " + String.join(" ", command) + " gave no report: "
                    + String.join(" | ", out.subList(Math.max(0, out.size() - 8), out.size())));
        }
        Map<String, Double> figures = new LinkedHashMap<>();
        if (log == null) {
            return figures;
        }
        long total = Long.parseLong(requests.group(1));
        long ok = Long.parseLong(status.group(1));
        figures.put(row.label() + "requests/s", Double.parseDouble(finished.group(1)));
        figures.put(row.label() + "requests", (double) Long.parseLong(requests.group(2)));
        figures.put(row.label() + "errors", (double) (total - ok));
        Histogram h = new Histogram(3);
        for (String line : Files.readAllLines(log)) { // start µs, status, µs to the end of the response
            String[] columns = line.split("\t");
            if (columns.length >= 3) {
                h.recordValue(Long.parseLong(columns[2].trim()) * 1000);
            }
        }
        LatencyScenario.percentiles(figures, row.label(), h);
        return figures;
    }
}
