package io.loomtunnel.internal.metrics;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import io.loomtunnel.observe.Meters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.Closeable;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The meters of one server or one client (docs/METRICS.md). Meters go to a composite registry:
 * our own Prometheus registry (for {@code /metrics}), plus the application's registry when it
 * passed one. Hot paths never touch Micrometer: bytes, datagrams and streams are counted in
 * {@link Tally}s and the registry reads them when it is scraped; Micrometer counters are used
 * only for rare events (sessions, failures, refusals).
 *
 * <p>Threads: one of its own, {@code "loomtunnel ROLE metrics: sampler"}, samples the totals and
 * the tunnels being watched once a second for the throughput windows of {@code /api/status};
 * {@link #close} ends and joins it.
 *
 * <p>Locking: its monitor guards only the lazy binding of the JVM meters and close; no other
 * lock is taken while holding it. Counts are atomic ({@link Tally}, atomic integers) and the maps
 * and sets are concurrent; a tunnel's counters are created with one atomic per-name operation.
 */
public final class EndpointMetrics implements Closeable {
    /**
     * Tunnels (a client and a tunnel name) that get meters of their own; further ones share the
     * tags {@code client} and {@code tunnel} = {@link #OTHER}. Both are chosen by clients, so this bounds the series.
     */
    public static final int MAX_TUNNEL_SERIES = 1_000;
    public static final String OTHER = "_other";
    static final Duration[] RTT_BUCKETS = {Duration.ofNanos(100_000), Duration.ofNanos(250_000),
        Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5)};

    private final String role;
    private final Tags roleTag;
    private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
    private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Meters view = new Meters() {
        @Override
        public String role() {
            return role;
        }

        @Override
        public String scrape() {
            return EndpointMetrics.this.scrape();
        }
    };
    /** Bound when something can first read them: at start with an application registry, else at the first scrape or {@link #registryToRead} (see {@link #bindJvmMeters}). */
    private JvmMeters jvm; // guarded by this
    private boolean closed; // guarded by this
    private final TunnelCounters total = new TunnelCounters();
    private final Map<Series, TunnelCounters> bySeries = new ConcurrentHashMap<>();
    private final Set<Series> udpSeries = ConcurrentHashMap.newKeySet();
    private final Set<TunnelCounters> watched = ConcurrentHashMap.newKeySet();
    private final AtomicInteger sessionsActive = new AtomicInteger();
    private final Map<String, AtomicInteger> tunnelsActive = new ConcurrentHashMap<>();
    private final Counter sessionsOpened;
    private final Counter reconnects;
    private final Counter tunnelsRefused;
    private final Timer rtt;
    private final long startNanos = System.nanoTime();
    private final OwnedThreads threads;

    private EndpointMetrics(String role, MeterRegistry application) {
        this.role = role;
        this.roleTag = Tags.of(MeterNames.ROLE, role);
        registry.add(prometheus);
        if (application != null) {
            registry.add(application);
            bindJvmMeters();
        }
        Gauge.builder(MeterNames.SESSIONS_ACTIVE, sessionsActive, AtomicInteger::get).tags(roleTag)
                .description("sessions open now").register(registry);
        sessionsOpened = Counter.builder(MeterNames.SESSIONS_OPENED).tags(roleTag)
                .description("sessions set up and authenticated").register(registry);
        reconnects = Counter.builder(MeterNames.RECONNECTS).tags(roleTag)
                .description("sessions a client set up again after losing one").register(registry);
        tunnelsRefused = Counter.builder(MeterNames.TUNNELS_REFUSED).tags(roleTag)
                .description("tunnel requests the server refused").register(registry);
        rtt = Timer.builder(MeterNames.SESSION_RTT).tags(roleTag).serviceLevelObjectives(RTT_BUCKETS)
                .description("round-trip times measured by PING").register(registry);
        TimeGauge.builder(MeterNames.UPTIME, this, TimeUnit.NANOSECONDS, m -> System.nanoTime() - m.startNanos)
                .tags(roleTag).description("time since the server or client started").register(registry);
        threads = new OwnedThreads(role + " metrics");
        threads.start("sampler", this::sampleEverySecond);
    }

    /**
     * @param role {@code server} or {@code client}: the {@code role} tag of every loomtunnel meter
     * @param application the application's own registry to publish to as well, or null
     */
    public static EndpointMetrics start(String role, MeterRegistry application) {
        return new EndpointMetrics(role, application);
    }

    public String role() {
        return role;
    }

    /** These meters as an embedder sees them: read, never changed (a cast cannot reach the counters). */
    public Meters view() {
        return view;
    }

    /** Every meter: our Prometheus registry and the application's. */
    public CompositeMeterRegistry registry() {
        return registry;
    }

    /**
     * The registry for a reader other than {@link #scrape} (the OTLP export, the metrics JSON
     * file): it reads every meter from now on, so the JVM meters are bound first.
     */
    public CompositeMeterRegistry registryToRead() {
        bindJvmMeters();
        return registry;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        bindJvmMeters();
        return prometheus.scrape();
    }

    /**
     * Binds the JVM's meters once. Without an application registry nobody can read them before
     * the first scrape or another reader ({@link #registryToRead}), so a server or client that is
     * never read never loads JMX: the platform
     * MBean server and Micrometer's JVM binders are about 200 classes, a few MB of an idle
     * server's RSS (docs/BENCHMARKS.md). GC pauses before the first scrape are not in
     * {@code jvm_gc_pause}; the gauges read the JVM's state when scraped and miss nothing.
     */
    private synchronized void bindJvmMeters() {
        if (jvm == null && !closed) {
            jvm = new JvmMeters(registry);
        }
    }

    /** Time since start. */
    public Duration uptime() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    // ---- sessions ----

    public void sessionOpened() {
        sessionsOpened.increment();
        sessionsActive.incrementAndGet();
    }

    /** @param reason a fixed word from {@link Reasons} */
    public void sessionClosed(String reason) {
        sessionsActive.decrementAndGet();
        counter(MeterNames.SESSIONS_CLOSED, "sessions ended, by reason", reason).increment();
    }

    public void handshakeFailed(String reason) {
        counter(MeterNames.HANDSHAKE_FAILURES, "session set-ups that failed before authentication", reason).increment();
    }

    public void authFailed(String reason) {
        counter(MeterNames.AUTH_FAILURES, "sessions refused for their credentials", reason).increment();
    }

    public void reconnected() {
        reconnects.increment();
    }

    public void recordRtt(long nanos) {
        rtt.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The RTT timer (count, mean, max) for status views. */
    public Timer rtt() {
        return rtt;
    }

    // ---- tunnels and streams ----

    /** @param type tcp, udp or http */
    public void tunnelOpened(String type) {
        tunnelsActive.computeIfAbsent(type, t -> {
            AtomicInteger n = new AtomicInteger();
            Gauge.builder(MeterNames.TUNNELS_ACTIVE, n, AtomicInteger::get).tags(roleTag.and(MeterNames.TYPE, t))
                    .description("tunnels open now, by type").register(registry);
            return n;
        }).incrementAndGet();
    }

    public void tunnelClosed(String type) {
        AtomicInteger n = tunnelsActive.get(type);
        if (n != null) {
            n.decrementAndGet();
        }
    }

    public void tunnelRefused() {
        tunnelsRefused.increment();
    }

    /** @param reason a fixed word from {@link Reasons} */
    public void streamRefused(String reason) {
        counter(MeterNames.STREAMS_REFUSED, "streams refused, by reason", reason).increment();
    }

    /**
     * Counters for one new tunnel: a child of the counters of its client and name (which carry the
     * meters, so that same-named tunnels of two clients stay apart), watched for its throughput
     * window until {@link #release}d.
     *
     * @param client the tunnel's client: its name, or its key id abbreviated (on a client, its own)
     * @param type tcp, udp or http: UDP tunnels also get datagram meters
     */
    public TunnelCounters openTunnel(String client, String name, String type) {
        TunnelCounters counters = series(new Series(client, name), type).child();
        watched.add(counters);
        return counters;
    }

    /** Stops watching a tunnel's counters (its counts stay in its name's and in the totals). */
    public void release(TunnelCounters counters) {
        watched.remove(counters);
    }

    /** Every tunnel's counts added up, with the throughput of the whole server or client. */
    public TunnelCounters total() {
        return total;
    }

    /** The tags {@code client} and {@code tunnel} of a tunnel's meters. */
    private record Series(String client, String tunnel) {
        static final Series OTHERS = new Series(OTHER, OTHER);

        Tags tags(Tags role) {
            return role.and(MeterNames.CLIENT, client).and(MeterNames.TUNNEL, tunnel);
        }
    }

    private TunnelCounters series(Series wanted, String type) {
        Series s = bySeries.containsKey(wanted) || bySeries.size() < MAX_TUNNEL_SERIES ? wanted : Series.OTHERS;
        TunnelCounters c = bySeries.computeIfAbsent(s, this::register);
        if (type.equals("udp") && udpSeries.add(s)) {
            registerDatagrams(s, c);
        }
        return c;
    }

    private TunnelCounters register(Series s) {
        TunnelCounters c = total.child();
        Tags tags = s.tags(roleTag);
        bytes(tags.and(MeterNames.DIRECTION, "in"), c.bytesIn());
        bytes(tags.and(MeterNames.DIRECTION, "out"), c.bytesOut());
        FunctionCounter.builder(MeterNames.STREAMS_OPENED, c.streamsOpened(), Tally::get).tags(tags)
                .description("streams (proxied connections and HTTP requests) opened").register(registry);
        FunctionCounter.builder(MeterNames.STREAMS_RESET, c.streamsReset(), Tally::get).tags(tags)
                .description("streams that ended in an abort").register(registry);
        Gauge.builder(MeterNames.STREAMS_ACTIVE, c, TunnelCounters::streamsActive).tags(tags)
                .description("streams open now").register(registry);
        return c;
    }

    private void bytes(Tags tags, Tally tally) {
        FunctionCounter.builder(MeterNames.TUNNEL_BYTES, tally, Tally::get).tags(tags).baseUnit("bytes")
                .description("bytes through a tunnel: in = from the public to the service, out = back").register(registry);
    }

    private void registerDatagrams(Series s, TunnelCounters c) {
        Tags tags = s.tags(roleTag);
        datagrams(tags, "in", c.datagramsIn());
        datagrams(tags, "out", c.datagramsOut());
        datagrams(tags, "dropped", c.datagramsDropped());
    }

    private void datagrams(Tags tags, String direction, Tally tally) {
        FunctionCounter.builder(MeterNames.TUNNEL_DATAGRAMS, tally, Tally::get).tags(tags.and(MeterNames.DIRECTION, direction))
                .description("UDP datagrams through a tunnel: in, out, and dropped (lost) on this side").register(registry);
    }

    private Counter counter(String name, String description, String reason) {
        return Counter.builder(name).tags(roleTag.and(MeterNames.REASON, reason)).description(description).register(registry);
    }

    // ---- throughput windows ----

    private void sampleEverySecond() {
        long next = System.nanoTime();
        try {
            while (true) {
                total.sample();
                watched.forEach(TunnelCounters::sample);
                next += TimeUnit.SECONDS.toNanos(1);
                Thread.sleep(Duration.ofNanos(Math.max(0, next - System.nanoTime())));
            }
        } catch (InterruptedException closed) {
            // close() ends the sampler
        }
    }

    /** Stops sampling (joins the sampler) and takes our meters out of the application's registry too. */
    @Override
    public void close() {
        threads.close();
        synchronized (this) {
            closed = true;
            if (jvm != null) {
                jvm.close();
            }
        }
        registry.clear();
        registry.remove(prometheus);
        prometheus.close();
    }
}
