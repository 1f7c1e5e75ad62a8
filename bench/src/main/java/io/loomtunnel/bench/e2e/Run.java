package io.loomtunnel.bench.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run of the harness: its options, the services (echo, HTTP, UDP echo: one process each), the
 * relays shared by the scenarios that do not need fresh ones (started on first use) and the results.
 */
final class Run implements AutoCloseable {
    final boolean quick;
    /** The peers each scenario measures: all of {@link Peers#NAMES}, or {@link Peers#SMOKE} with --smoke. */
    final List<String> peerNames;
    final Path dir;
    final Path jar;
    /** Added to every loomtunnel server and client JVM (--tunnel-jvm-options), for trying JVM flags. */
    final List<String> tunnelJvmOptions;
    final Procs procs = new Procs();
    final Results results = new Results();
    /** Peers that could not run, with the reason. */
    final Map<String, String> skipped = new LinkedHashMap<>();
    private final Map<Service, Integer> services = new EnumMap<>(Service.class);
    private Peers shared;
    private List<Target> sharedTargets;

    Run(boolean quick, List<String> peerNames, Path dir, Path jar, List<String> tunnelJvmOptions) throws Exception {
        this.quick = quick;
        this.peerNames = List.copyOf(peerNames);
        this.dir = dir;
        this.jar = jar;
        this.tunnelJvmOptions = List.copyOf(tunnelJvmOptions);
        Map<Service, Proc> started = new EnumMap<>(Service.class);
        started.put(Service.ECHO, service("echo service", EchoService.class));
        started.put(Service.HTTP, service("http service", HttpService.class));
        started.put(Service.UDP, service("udp echo service", UdpEchoService.class));
        for (Map.Entry<Service, Proc> s : started.entrySet()) {
            services.put(s.getKey(), Integer.parseInt(
                    s.getValue().await("listening 127\\.0\\.0\\.1:(\\d+)", Duration.ofSeconds(30)).group(1)));
        }
    }

    private Proc service(String name, Class<?> main) throws IOException {
        return procs.java(name, dir, List.of("-Xmx512m"), main.getName(), List.of("0"));
    }

    /** The relays most scenarios share, in front of every service; started on the first call. */
    List<Target> sharedTargets() throws IOException {
        if (shared == null) {
            shared = new Peers(dir, services, jar, tunnelJvmOptions);
            sharedTargets = start(shared);
        }
        return sharedTargets;
    }

    /** A fresh set of every relay in front of {@code service} only, for a scenario that reads their memory; close it after. */
    Peers freshPeers(Service service) throws IOException {
        return new Peers(dir, Map.of(service, services.get(service)), jar, tunnelJvmOptions);
    }

    /** Starts the peers this run measures ({@link #peerNames}) of {@code peers}. */
    List<Target> start(Peers peers) {
        return peers.start(peerNames, skipped);
    }

    /** Whether this is a --smoke run (the baseline and the product only): rows of their own keep to tiny counts. */
    boolean smoke() {
        return peerNames.equals(Peers.SMOKE);
    }

    int servicePort(Service service) {
        return services.get(service);
    }

    /** One load generator process per target that relays the scenario's service; a failure is recorded, not fatal. */
    void loadEach(LoadScenario scenario, List<Target> targets) {
        for (Target t : targets) {
            if (t.relays(scenario.service())) {
                load(scenario, t);
            }
        }
    }

    private void load(LoadScenario scenario, Target t) {
        List<String> args = new ArrayList<>(List.of(scenario.name(), String.valueOf(t.port(scenario.service()))));
        if (quick) {
            args.add("--quick");
        }
        t.processes().forEach((role, pid) -> args.addAll(List.of("--process", role + "=" + pid)));
        try {
            Proc load = procs.java("load " + scenario.name() + " " + t.name(), dir, List.of("-Xmx1g"),
                    LoadGenerator.class.getName(), args);
            List<String> lines = load.finish(Duration.ofMinutes(quick ? 5 : 20));
            String last = lines.isEmpty() ? "{}" : lines.get(lines.size() - 1);
            lines.subList(0, Math.max(0, lines.size() - 1)).forEach(l -> System.out.printf("%-10s | %s%n", t.name(), l));
            Map<?, ?> json = new ObjectMapper().readValue(last, Map.class);
            if (json.get("metrics") instanceof Map<?, ?> m) {
                Map<String, Double> figures = new LinkedHashMap<>();
                m.forEach((k, v) -> figures.put((String) k, ((Number) v).doubleValue()));
                results.put(scenario.name(), t.name(), figures, scenario.addedOverRaw());
                System.out.printf("%-10s %s%n", t.name(), figures);
            } else {
                throw new IOException(json.containsKey("error") ? String.valueOf(json.get("error")) : load.tail());
            }
        } catch (Exception e) {
            fail(scenario, t.name(), e);
        }
    }

    void fail(Scenario scenario, String target, Exception e) {
        results.fail(scenario.name(), target, String.valueOf(e.getMessage()));
        System.out.printf("%-10s FAILED: %s%n", target, e.getMessage());
    }

    @Override
    public void close() {
        if (shared != null) {
            shared.close();
        }
        procs.close();
    }
}
