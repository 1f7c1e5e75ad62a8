package io.loomtunnel.internal.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

/**
 * A share's or connect's peer-to-peer meters by path (docs/METRICS.md): sessions open now and
 * their RTT, each for {@code direct} and {@code relay}, and the sessions that moved from one path
 * to the other. Tagged by role and path only, never by session or peer, so a share with many
 * sessions has six series here. Registered on an {@link EndpointMetrics}' registry.
 *
 * <p>Locking: none; Micrometer's meters are thread-safe and the maps are immutable.
 */
public final class PathMeters {
    public static final String DIRECT = "direct";
    public static final String RELAY = "relay";
    private static final List<String> PATHS = List.of(DIRECT, RELAY);

    private final Map<String, Timer> rtt;
    private final Map<String, Counter> changes;

    /** @param active how many sessions run on a path now ({@link #DIRECT} or {@link #RELAY}), read when scraped */
    public PathMeters(EndpointMetrics metrics, ToIntFunction<String> active) {
        Tags role = Tags.of(MeterNames.ROLE, metrics.role());
        for (String path : PATHS) {
            Gauge.builder(MeterNames.P2P_SESSIONS_ACTIVE, () -> active.applyAsInt(path)).tags(role.and(MeterNames.PATH, path))
                    .description("peer-to-peer sessions open now, by path").register(metrics.registry());
        }
        rtt = Map.of(DIRECT, rttTimer(metrics, role, DIRECT), RELAY, rttTimer(metrics, role, RELAY));
        changes = Map.of(DIRECT, changeCounter(metrics, role, RELAY, DIRECT), RELAY, changeCounter(metrics, role, DIRECT, RELAY));
    }

    private static Timer rttTimer(EndpointMetrics metrics, Tags role, String path) {
        return Timer.builder(MeterNames.P2P_RTT).tags(role.and(MeterNames.PATH, path))
                .serviceLevelObjectives(EndpointMetrics.RTT_BUCKETS)
                .description("peer-to-peer round-trip times measured by PING, by the session's path then")
                .register(metrics.registry());
    }

    private static Counter changeCounter(EndpointMetrics metrics, Tags role, String from, String to) {
        return Counter.builder(MeterNames.P2P_PATH_CHANGES).tags(role.and(MeterNames.FROM, from).and(MeterNames.TO, to))
                .description("running peer-to-peer sessions that moved from one path to the other").register(metrics.registry());
    }

    /** A session on {@code path} measured a round trip. */
    public void recordRtt(String path, long nanos) {
        rtt.get(checked(path)).record(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * A running session moved from {@code from} to {@code to} (e.g. a relayed one went direct).
     *
     * @throws IllegalArgumentException a path other than {@link #DIRECT} and {@link #RELAY}, or the same twice
     */
    public void pathChanged(String from, String to) {
        checkChange(from, to);
        changes.get(to).increment();
    }

    /**
     * Checks a path change's words, also where nothing is metered.
     *
     * @throws IllegalArgumentException a path other than {@link #DIRECT} and {@link #RELAY}, or the same twice
     */
    public static void checkChange(String from, String to) {
        if (checked(from).equals(checked(to))) {
            throw new IllegalArgumentException("a path change needs two paths, got " + from + " twice");
        }
    }

    private static String checked(String path) {
        if (!PATHS.contains(path)) {
            throw new IllegalArgumentException("a path is direct or relay, not " + path);
        }
        return path;
    }
}
