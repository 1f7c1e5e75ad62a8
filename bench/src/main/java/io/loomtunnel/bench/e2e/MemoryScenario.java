package io.loomtunnel.bench.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The loomtunnel server's memory in three fresh servers: (1) no client, then one client with few
 * tunnels, then (that client gone) one with many; (2) one tunnel, then idle connections through it;
 * (3) many clients of 10 tunnels each, library clients in one helper process. Heap and RSS are read
 * after a full GC ({@link Footprint}, settled), what an idle server holds; the marginal cost per
 * tunnel and per connection is the difference over the count. No peer: their memory under load is
 * in the streams scenario.
 */
final class MemoryScenario implements Scenario {
    private static final Duration READY = Duration.ofSeconds(180);
    /** Lets the server finish what the last registration started before its memory is read. */
    private static final Duration SETTLE = Duration.ofMillis(500);
    private static final int TUNNELS_EACH = 10;

    /**
     * Tunnels of the small and the large single client, clients of 10 tunnels, idle connections. The
     * same in --quick: the time goes to starting JVMs and reading heaps, hardly to the counts.
     */
    private static final Sizes SIZES = new Sizes(100, 1_000, 100, 1_000);

    private record Sizes(int fewTunnels, int manyTunnels, int clients, int connections) {
        String few() {
            return String.format("1 client × %,d tunnels", fewTunnels);
        }

        String many() {
            return String.format("1 client × %,d tunnels", manyTunnels);
        }

        String manyClients() {
            return String.format("%,d clients × %d tunnels", clients, TUNNELS_EACH);
        }

        String idle() {
            return String.format("1 tunnel + %,d idle connections", connections);
        }
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public String describe(boolean quick) {
        Sizes s = SIZES;
        return String.format("loomtunnel server RSS and heap: no client, %s, %s; 1 tunnel, %s; %s (one helper"
                + " process)%s", s.few(), s.many(), s.idle(), s.manyClients(), quick ? " (the same in --quick)" : "");
    }

    @Override
    public void run(Run run) throws Exception {
        Sizes s = SIZES;
        Path dir = Files.createTempDirectory(run.dir, "memory");
        int echo = run.servicePort(Service.ECHO);
        Map<String, Double> f = new LinkedHashMap<>();
        try {
            try (Procs procs = new Procs()) {
                Loomtunnel lt = new Loomtunnel(procs, dir, run.jar, run.tunnelJvmOptions);
                Loomtunnel.Server server = lt.server();
                measure(f, "no client", server);
                Proc few = oneClient(lt, server, echo, s.fewTunnels());
                measure(f, s.few(), server);
                few.kill();
                oneClient(lt, server, echo, s.manyTunnels());
                measure(f, s.many(), server);
            }
            try (Procs procs = new Procs()) {
                Loomtunnel lt = new Loomtunnel(procs, dir, run.jar, run.tunnelJvmOptions);
                Loomtunnel.Server server = lt.server();
                Proc client = lt.client(server, List.of("--tcp", "echo=0:127.0.0.1:" + echo));
                int port = Integer.parseInt(client.await("tcp\\s+echo\\s+localhost:(\\d+)", READY).group(1));
                measure(f, "1 tunnel", server);
                procs.java("idle connections", dir, List.of("-Xmx256m"), IdleConnections.class.getName(),
                        List.of(String.valueOf(port), String.valueOf(s.connections())))
                        .await("holding " + s.connections() + " of", READY);
                measure(f, s.idle(), server);
            }
            try (Procs procs = new Procs()) {
                Loomtunnel lt = new Loomtunnel(procs, dir, run.jar, run.tunnelJvmOptions);
                Loomtunnel.Server server = lt.server();
                procs.java("library clients", dir, List.of("-Xmx1g"), ManyClients.class.getName(),
                        List.of(String.valueOf(server.controlPort()), server.id(), lt.tokenFile().toString(),
                                String.valueOf(s.clients()), String.valueOf(TUNNELS_EACH), String.valueOf(echo)))
                        .await("ready " + s.clients() + " clients, " + s.clients() * TUNNELS_EACH + " tunnels", READY);
                measure(f, s.manyClients(), server);
            }
        } catch (Exception e) {
            run.fail(this, Peers.LOOMTUNNEL, e);
        }
        for (String kind : List.of("RSS", "heap")) {
            marginal(f, kind + " KB per tunnel (one client)", kind, s.few(), s.many(), s.manyTunnels() - s.fewTunnels());
            marginal(f, kind + " KB per tunnel (10 per client, sessions included)", kind, "no client", s.manyClients(),
                    s.clients() * TUNNELS_EACH);
            marginal(f, kind + " KB per idle connection", kind, "1 tunnel", s.idle(), s.connections());
        }
        run.results.put(name(), Peers.LOOMTUNNEL, f, false);
        System.out.printf("%-10s %s%n", Peers.LOOMTUNNEL, f);
    }

    /** A client with {@code tunnels} TCP tunnels to the echo service, once the server has opened all. */
    private static Proc oneClient(Loomtunnel lt, Loomtunnel.Server server, int echo, int tunnels) throws Exception {
        List<String> flags = new ArrayList<>();
        for (int i = 0; i < tunnels; i++) {
            flags.addAll(List.of("--tcp", "t" + i + "=0:127.0.0.1:" + echo));
        }
        Proc client = lt.client(server, flags);
        client.awaitAll("tcp\\s+t\\d+\\s+localhost:\\d+", tunnels, READY);
        return client;
    }

    /** "server RSS MB, WHAT" and "server heap MB, WHAT". */
    private static void measure(Map<String, Double> f, String what, Loomtunnel.Server server) throws Exception {
        Thread.sleep(SETTLE);
        Footprint.of(Map.of("server", server.proc().pid()), true).forEach((k, v) -> f.put(k + ", " + what, v));
    }

    /** KB per unit: the difference between two readings over the count; none when a reading is missing. */
    private static void marginal(Map<String, Double> f, String name, String kind, String from, String to, int count) {
        Double a = f.get("server " + kind + " MB, " + from);
        Double b = f.get("server " + kind + " MB, " + to);
        if (a != null && b != null) {
            f.put(name, (b - a) * 1e3 / count);
        }
    }
}
