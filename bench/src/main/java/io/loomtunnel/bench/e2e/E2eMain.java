package io.loomtunnel.bench.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The end-to-end harness (scripts/bench-e2e): echo service, relays and one load generator per
 * scenario and target, each a process of its own on loopback; writes JSON and a Markdown table.
 */
public final class E2eMain {
    private E2eMain() {}

    /** {@code E2eMain --loomtunnel-jar JAR --out DIR [--quick] [--scenario NAME]...} */
    public static void main(String[] args) throws Exception {
        boolean quick = false;
        Path jar = null;
        Path out = null;
        List<Scenario> scenarios = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--scenario" -> scenarios.add(Scenario.named(args[++i]));
                case "--loomtunnel-jar" -> jar = Path.of(args[++i]).toAbsolutePath();
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Path dir = Files.createTempDirectory("loomtunnel-e2e");
        try (Procs procs = new Procs()) {
            run(procs, dir, jar, out, quick, scenarios.isEmpty() ? Scenario.ALL : scenarios);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void run(Procs procs, Path dir, Path jar, Path out, boolean quick, List<Scenario> scenarios)
            throws Exception {
        Proc echo = procs.java("echo service", dir, List.of("-Xmx256m"), EchoService.class.getName(), List.of("0"));
        int echoPort = Integer.parseInt(echo.await("listening 127\\.0\\.0\\.1:(\\d+)", Duration.ofSeconds(30)).group(1));
        Peers peers = new Peers(procs, dir, echoPort, jar);
        List<Target> targets = new ArrayList<>();
        Map<String, String> skipped = new LinkedHashMap<>();
        for (String name : peers.names()) {
            try {
                targets.add(new Target(name, peers.setup(name).start()));
            } catch (Exception e) {
                skipped.put(name, e.getMessage());
                System.out.println("skipping " + name + ": " + e.getMessage());
            }
        }
        targets.forEach(t -> System.out.printf("%-10s 127.0.0.1:%d%n", t.name(), t.port()));

        Results results = new Results(targets.stream().map(Target::name).toList());
        for (Scenario scenario : scenarios) {
            System.out.printf("%n== %s: %s%n", scenario.name(), scenario.describe(quick));
            for (Target t : targets) {
                measure(procs, dir, scenario, t, quick, results);
            }
        }

        String table = Report.table(results);
        List<String> brief = Report.brief(results);
        System.out.println("\n" + table + "\n");
        brief.forEach(System.out::println);
        write(out, quick, peers.versions(), skipped, results, table, brief);
    }

    /** One load generator process for one scenario and target; a failure is recorded, not fatal. */
    private static void measure(Procs procs, Path dir, Scenario scenario, Target t, boolean quick, Results results) {
        List<String> args = new ArrayList<>(List.of(scenario.name(), String.valueOf(t.port())));
        if (quick) {
            args.add("--quick");
        }
        try {
            Proc load = procs.java("load " + scenario.name() + " " + t.name(), dir, List.of("-Xmx1g"),
                    LoadGenerator.class.getName(), args);
            List<String> lines = load.finish(Duration.ofMinutes(quick ? 5 : 20));
            String last = lines.isEmpty() ? "{}" : lines.get(lines.size() - 1);
            Map<?, ?> json = new ObjectMapper().readValue(last, Map.class);
            if (json.get("metrics") instanceof Map<?, ?> m) {
                Map<String, Double> figures = new LinkedHashMap<>();
                m.forEach((k, v) -> figures.put((String) k, ((Number) v).doubleValue()));
                results.put(scenario, t.name(), figures);
                System.out.printf("%-10s %s%n", t.name(), figures);
            } else {
                throw new IOException(json.containsKey("error") ? String.valueOf(json.get("error")) : load.tail());
            }
        } catch (Exception e) {
            results.fail(scenario, t.name(), String.valueOf(e.getMessage()));
            System.out.printf("%-10s FAILED: %s%n", t.name(), e.getMessage());
        }
    }

    private static void write(Path out, boolean quick, List<String> versions, Map<String, String> skipped,
                              Results results, String table, List<String> brief) throws IOException {
        Files.createDirectories(out);
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("timestamp", stamp);
        json.put("quick", quick);
        json.put("machine", Machine.describe(versions));
        json.put("skipped", skipped);
        json.put("results", results.figures);
        json.put("errors", results.errors);
        json.put("brief", brief);
        Path file = out.resolve(stamp + ".json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
        Files.writeString(out.resolve(stamp + ".md"), table + "\n\n" + String.join("\n", brief) + "\n");
        System.out.println("\nresults: " + file + " (table: " + out.resolve(stamp + ".md") + ")");
    }
}
