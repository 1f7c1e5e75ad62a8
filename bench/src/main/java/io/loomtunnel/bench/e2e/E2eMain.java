package io.loomtunnel.bench.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The end-to-end harness (scripts/bench-e2e): services, relays and one load generator per scenario
 * and target, each a process of its own on loopback; writes JSON, a Markdown table and an SVG plot.
 */
public final class E2eMain {
    private E2eMain() {}

    /** {@code E2eMain --loomtunnel-jar JAR --out DIR [--quick | --smoke] [--scenario NAME]... [--tunnel-jvm-options "OPTS"]} */
    public static void main(String[] args) throws Exception {
        boolean quick = false;
        List<String> peers = Peers.NAMES;
        Path jar = null;
        Path out = null;
        List<String> jvmOptions = List.of();
        List<Scenario> scenarios = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--smoke" -> {
                    quick = true;
                    peers = Peers.SMOKE;
                }
                case "--scenario" -> scenarios.add(Scenario.named(args[++i]));
                case "--loomtunnel-jar" -> jar = Path.of(args[++i]).toAbsolutePath();
                case "--out" -> out = Path.of(args[++i]);
                case "--tunnel-jvm-options" ->
                        jvmOptions = Arrays.stream(args[++i].split("\\s+")).filter(o -> !o.isEmpty()).toList();
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Path dir = Files.createTempDirectory("loomtunnel-e2e");
        try (Run run = new Run(quick, peers, dir, jar, jvmOptions)) {
            for (Scenario scenario : scenarios.isEmpty() ? Scenario.ALL : scenarios) {
                System.out.printf("%n== %s: %s%n", scenario.name(), scenario.describe(quick));
                long start = System.nanoTime();
                scenario.run(run);
                System.out.printf("(%s: %.0f s)%n", scenario.name(), (System.nanoTime() - start) / 1e9);
            }
            String table = Report.table(run.results);
            List<String> brief = Report.brief(run.results);
            System.out.println("\n" + table + "\n");
            brief.forEach(System.out::println);
            write(out, run, Peers.versions(run.procs, dir, jar), table, brief);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void write(Path out, Run run, List<String> versions, String table, List<String> brief)
            throws IOException {
        Files.createDirectories(out);
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("timestamp", stamp);
        json.put("quick", run.quick);
        json.put("peers", run.peerNames);
        json.put("machine", Machine.describe(versions));
        json.put("tunnel_jvm_options", run.tunnelJvmOptions);
        json.put("skipped", run.skipped);
        json.put("results", run.results.figures);
        json.put("errors", run.results.errors);
        json.put("brief", brief);
        Path file = out.resolve(stamp + ".json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
        Files.writeString(out.resolve(stamp + ".md"), table + "\n\n" + String.join("\n", brief) + "\n");
        Files.writeString(out.resolve(stamp + ".svg"), Plot.svg(run.results, stamp));
        System.out.println("\nresults: " + file + " (table: " + stamp + ".md, plot: " + stamp + ".svg)");
    }
}
