package io.loomtunnel.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.Closeable;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * One soak run (docs/SOAK.md): starts the local services and the cast, waits until every route
 * works, then runs every flow, the fault schedule and the sampler for the run's length; stops the
 * traffic, checks that nothing stays open, judges growth, stops the cast with SIGTERM (each must
 * exit 0), and writes soak.json and soak.png. Returns 0 when every check passed, 1 with one line
 * saying why otherwise.
 */
final class Soak {
    private static final Duration START = Duration.ofSeconds(180);
    private static final Duration DRAIN = Duration.ofSeconds(30);
    private static final long FLOW_END_MS = 150_000;

    private final SoakOptions options;
    private final Clock clock = new Clock();
    private final FaultLog faults = new FaultLog(clock);
    private final Env env = new Env(clock, faults, new Verdict());
    private final List<Closeable> services = new ArrayList<>();

    Soak(SoakOptions options) {
        this.options = options;
    }

    int run() throws Exception {
        long duration = (long) (options.minutes() * 60_000);
        Path logs = Files.createDirectories(options.out().resolve("logs"));
        Path work = Files.createDirectories(options.out().resolve("work"));
        InetAddress loopback = InetAddress.getLoopbackAddress();
        Link link = options.wire() == null ? null : Link.open(options.wire());
        InetAddress linked = link == null ? loopback : options.linkHost();
        System.out.println("soak: " + minutes(duration) + " of traffic and faults; results in " + options.out());
        System.out.println("soak: link: " + (link == null ? "none (" + options.noLink() + "): link faults skipped, client C runs beside the others"
                : link.describe()));

        Acceptor echo = keep(EchoService.tcp(loopback));
        DatagramSocket udpEcho = keep(EchoService.udp(loopback));
        ExecutorService appThreads = WebApps.executor();
        HttpServer httpApp = WebApps.http(loopback, appThreads);
        services.add(() -> {
            httpApp.stop(0);
            appThreads.close();
        });
        Acceptor webSocketApp = keep(WebApps.webSocket(loopback));
        Acceptor linkedEcho = link == null ? echo : keep(EchoService.tcp(linked));
        DatagramSocket linkedUdpEcho = link == null ? udpEcho : keep(EchoService.udp(linked));
        Cast.Services s = new Cast.Services(loopback, echo.port(), udpEcho.getLocalPort(), httpApp.getAddress().getPort(),
                webSocketApp.port(), linked, linkedEcho.port(), linkedUdpEcho.getLocalPort());

        List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        java.addAll(options.jvmOptions());
        java.addAll(List.of("-jar", options.jar().toString()));
        Cast cast = new Cast(java, work, logs, link == null ? loopback : linked, link == null ? null : options.peer(), s, env);
        Thread hook = new Thread(() -> {
            env.verdict().fail("stopped before the end; the cast is killed"); // later failures are its consequences
            killAll(cast);
        }, "soak cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        Probes probes = probes(cast);
        Admin admin = new Admin();
        Sampler sampler = new Sampler(cast.all(), env, Math.clamp(duration / 60, 2_000, 10_000));
        List<Flow> flows = flows(cast, duration);
        List<Growth.Judgement> growth = List.of();
        Map<String, JsonNode> endpoints = Map.of();
        long t0 = 0;
        try {
            long began = env.clock().now();
            cast.start();
            String missing = probes.recover(EnumSet.allOf(Part.class), START);
            if (missing != null) {
                env.verdict().fail("start: " + missing + " did not work within " + START.toSeconds() + " s of starting the cast");
            }
            t0 = env.clock().now();
            System.out.printf("soak: all %d processes up, every route works (%.1f s)%n", cast.all().size(), (t0 - began) / 1000.0);
            Faults schedule = new Faults(cast, link, probes, admin, env, t0, duration, Math.clamp(duration / 10, 12_000, 30_000));
            System.out.println("soak: fault cycle: " + String.join(", ", schedule.cycle()));
            Thread samplerThread = Thread.ofPlatform().name("soak sampler").daemon().start(sampler);
            List<Thread> flowThreads = new ArrayList<>();
            if (!env.verdict().failed()) {
                for (Flow f : flows) {
                    flowThreads.add(Thread.ofVirtual().name("soak flow " + f.name).start(f));
                }
            }
            Thread faultThread = Thread.ofPlatform().name("soak faults").daemon().start(schedule);
            progress(flows, t0, duration);
            faultThread.join(Faults.RECOVERY.toMillis() + 60_000);
            flows.forEach(Flow::stop);
            for (int i = 0; i < flowThreads.size(); i++) {
                flowThreads.get(i).join(FLOW_END_MS);
                if (flowThreads.get(i).isAlive()) {
                    env.verdict().fail("stuck: flow " + flows.get(i).name + " still running " + FLOW_END_MS / 1000 + " s after the end");
                }
            }
            long stopped = env.clock().now();
            if (!env.verdict().failed()) {
                drain(cast, admin, echo, linkedEcho, webSocketApp);
                System.out.printf("soak: traffic stopped %.1f s after the end; nothing left open %.1f s later%n",
                        (stopped - t0 - duration) / 1000.0, (env.clock().now() - stopped) / 1000.0);
            }
            endpoints = endpointTotals(admin, cast);
            sampler.sampleNow();
            sampler.stop();
            samplerThread.interrupt();
            growth = Growth.judge(sampler.samples(), t0, t0 + duration);
            String grew = Growth.failure(growth);
            if (grew != null) {
                env.verdict().fail(grew);
            }
            if (!env.verdict().failed()) {
                long stopping = env.clock().now();
                stopAll(cast);
                System.out.printf("soak: every process exited 0 on SIGTERM (%.1f s)%n", (env.clock().now() - stopping) / 1000.0);
            }
        } finally {
            killAll(cast);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException exiting) {
                // the hook is running or has run
            }
            for (Closeable c : services) {
                c.close();
            }
        }
        Report report = new Report(options, link == null ? null : link.describe(), t0, t0 + duration, env.verdict().reason(),
                flows, faults.entries(), endpoints, growth, sampler.samples());
        report.write(options.out().resolve("soak.json"));
        try {
            SoakPlot.write(report, options.out().resolve("soak.png"));
        } catch (IOException | RuntimeException | Error e) { // headless AWT without fonts throws Errors
            System.out.println("soak: no plot (" + e + "); the figures are in soak.json");
        }
        String verdict = env.verdict().failed() ? "soak: FAIL: " + env.verdict().reason()
                : "soak: PASS: " + report.summary();
        System.out.println(verdict);
        return env.verdict().failed() ? 1 : 0;
    }

    private <T extends Closeable> T keep(T service) {
        services.add(service);
        return service;
    }

    /** The routes the traffic takes, each checked by a probe. */
    private Probes probes(Cast c) {
        Probes p = new Probes(env);
        p.add("tcp via client-a", Set.of(Part.SERVER, Part.CLIENT_A), () -> Probes.tcp(c.at(c.tcpA)));
        p.add("udp via client-a", Set.of(Part.SERVER, Part.CLIENT_A), () -> Probes.udp(c.at(c.udpA)));
        p.add("tcp via client-b", Set.of(Part.SERVER, Part.CLIENT_B), () -> Probes.tcp(c.at(c.tcpB)));
        p.add("http via client-b", Set.of(Part.SERVER, Part.CLIENT_B), () -> Probes.http(Cast.loopback(c.http), "web.localhost"));
        p.add("websocket via client-b", Set.of(Part.SERVER, Part.CLIENT_B), () -> Probes.webSocket(Cast.loopback(c.http), "ws.localhost"));
        p.add("tcp via client-c", Set.of(Part.SERVER, Part.CLIENT_C, Part.LINK), () -> Probes.tcp(c.at(c.tcpC)));
        p.add("udp via client-c", Set.of(Part.SERVER, Part.CLIENT_C, Part.LINK), () -> Probes.udp(c.at(c.udpC)));
        p.add("p2p direct", Set.of(Part.SHARE, Part.CONNECT_DIRECT), () -> Probes.tcp(Cast.loopback(c.direct)));
        p.add("p2p relay", Set.of(Part.SERVER, Part.SHARE, Part.CONNECT_RELAY), () -> Probes.tcp(Cast.loopback(c.relay)));
        return p;
    }

    /** Every flow, with round limits well above what the run's length allows. */
    private List<Flow> flows(Cast c, long duration) {
        long s = duration / 1000 + 300;
        Set<Part> a = Set.of(Part.SERVER, Part.CLIENT_A);
        Set<Part> b = Set.of(Part.SERVER, Part.CLIENT_B);
        Set<Part> linked = Set.of(Part.SERVER, Part.CLIENT_C, Part.LINK);
        return List.of(
                new TcpFlow("tcp-bulk-a", a, env, s * 20, c.at(c.tcpA), 256 << 10, 8 << 20, 4 << 20, 100, true),
                new UdpFlow("udp-a", a, env, (int) (s * 100), c.at(c.udpA), 100),
                new TcpFlow("tcp-small-b", b, env, s * 50, c.at(c.tcpB), 1 << 10, 16 << 10, 0, 50, false),
                new HttpFlow("http-b", b, env, s * 50, Cast.loopback(c.http), "web.localhost", 256 << 10, 100, 50),
                new WebSocketFlow("websocket-b", b, env, s * 50, Cast.loopback(c.http), "ws.localhost", 64 << 10, 500, 50),
                new TcpFlow("tcp-bulk-c", linked, env, s * 20, c.at(c.tcpC), 64 << 10, 2 << 20, 1 << 20, 200, true),
                new TcpFlow("tcp-small-c", linked, env, s * 20, c.at(c.tcpC), 1 << 10, 16 << 10, 0, 200, false),
                new UdpFlow("udp-c", linked, env, (int) (s * 50), c.at(c.udpC), 50),
                new TcpFlow("p2p-direct", Set.of(Part.SHARE, Part.CONNECT_DIRECT), env, s * 20, Cast.loopback(c.direct),
                        64 << 10, 4 << 20, 2 << 20, 200, true),
                new TcpFlow("p2p-relay", Set.of(Part.SERVER, Part.SHARE, Part.CONNECT_RELAY), env, s * 20, Cast.loopback(c.relay),
                        64 << 10, 2 << 20, 1 << 20, 300, true));
    }

    /** Until the run's end or a failure: a line every minute (every 30 s in runs under 10 minutes). */
    private void progress(List<Flow> flows, long t0, long duration) throws InterruptedException {
        long every = duration < 600_000 ? 30_000 : 60_000;
        for (long next = t0 + every; ; next += every) {
            long end = t0 + duration;
            if (env.verdict().awaitFailure(Math.min(next, end) - env.clock().now()) || next >= end) {
                return;
            }
            long ok = 0;
            long killed = 0;
            long excused = 0;
            long bytes = 0;
            for (Flow f : flows) {
                ok += f.ok.get();
                killed += f.killedOnPurpose.get();
                excused += f.excused.get();
                bytes += f.bytesChecked.get();
            }
            System.out.printf("soak: %s/%s  %d faults  %d rounds intact, %d killed on purpose, %d cut by faults  %.0f MiB checked%n",
                    minutes(env.clock().now() - t0), minutes(duration), faults.count(), ok, killed, excused, bytes / 1048576.0);
        }
    }

    /** Once the traffic has stopped, nothing may stay open: the services' connections and the streams the endpoints count. */
    private void drain(Cast c, Admin admin, Acceptor echo, Acceptor linkedEcho, Acceptor webSocketApp) throws InterruptedException {
        long deadline = System.nanoTime() + DRAIN.toNanos();
        String open;
        do {
            List<String> left = new ArrayList<>();
            count(left, "tcp echo connections", echo.openConnections() + (linkedEcho == echo ? 0 : linkedEcho.openConnections()));
            count(left, "websocket app connections", webSocketApp.openConnections());
            count(left, "server streams", streams(admin, c.admin));
            count(left, "client-a streams", streams(admin, c.adminA));
            count(left, "client-b streams", streams(admin, c.adminB));
            open = left.isEmpty() ? null : String.join(", ", left);
            if (open != null) {
                Thread.sleep(500);
            }
        } while (open != null && System.nanoTime() < deadline);
        if (open != null) {
            env.verdict().fail("leak: " + open + " still open " + DRAIN.toSeconds() + " s after the traffic stopped");
        }
    }

    /** What the admin endpoints count over the whole run (totals of their status), for the report; those that do not answer are left out. */
    private static Map<String, JsonNode> endpointTotals(Admin admin, Cast c) {
        Map<String, JsonNode> totals = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : Map.of("server", c.admin, "client-a", c.adminA, "client-b", c.adminB).entrySet()) {
            try {
                totals.put(e.getKey(), admin.status(e.getValue()).path("totals"));
            } catch (IOException gone) {
                // not answering: nothing to report
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
        return totals;
    }

    private static void count(List<String> left, String what, long n) {
        if (n != 0) {
            left.add(n + " " + what);
        }
    }

    private static long streams(Admin admin, int port) {
        try {
            return admin.openStreams(port);
        } catch (IOException e) {
            return -1; // the endpoint does not answer: reported as -1 open
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** SIGTERM to each process, the server last: each must exit 0 within 30 s. */
    private void stopAll(Cast c) throws InterruptedException {
        for (Member m : List.of(c.connectDirect, c.connectRelay, c.share, c.clientA, c.clientB, c.clientC, c.server)) {
            Member.Instance i = m.current();
            int code = i.terminate(Duration.ofSeconds(30));
            if (code != 0) {
                env.verdict().fail("shutdown: " + i.label() + (code < 0 ? " still running 30 s after SIGTERM" : " exited with code " + code
                        + " on SIGTERM") + "; last line: " + i.lastLine());
                return;
            }
        }
    }

    private static void killAll(Cast c) {
        for (Member m : c.all()) {
            Member.Instance i = m.current();
            if (i != null && i.process.isAlive()) {
                try {
                    i.kill();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** m:ss of a duration in ms. */
    static String minutes(long millis) {
        long s = Math.max(0, millis) / 1000;
        return s / 60 + ":" + String.format("%02d", s % 60);
    }
}
