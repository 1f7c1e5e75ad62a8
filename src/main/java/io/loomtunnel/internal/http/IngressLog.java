package io.loomtunnel.internal.http;

import io.loomtunnel.internal.limits.RefusalLog;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The ingress's log of what it answered itself, rate-limited since a stranger can cause any of it
 * at will: the visitors' refusals (4xx, 501, connections over the per-source limit) at most one
 * line per {@link #VISITOR_INTERVAL}, the apps' failures (502, 504: an offline or saturated tunnel,
 * a silent or broken app) one line per {@link #APP_INTERVAL}, each line summing up the rest
 * ({@link RefusalLog}). Two logs, so that a flood of garbage does not hide an app's failure.
 */
final class IngressLog {
    static final Duration VISITOR_INTERVAL = Duration.ofMinutes(1);
    static final Duration APP_INTERVAL = Duration.ofSeconds(10);
    static final String OVER_LIMIT = "connection over the per-source limit";

    private final RefusalLog visitors;
    private final RefusalLog apps;

    IngressLog(Consumer<String> sink, LongSupplier nanoTime) {
        this.visitors = new RefusalLog("http ingress", VISITOR_INTERVAL, sink, nanoTime);
        this.apps = new RefusalLog("http ingress", APP_INTERVAL, sink, nanoTime);
    }

    /** The ingress answered {@code source} (an address) with {@code r}. */
    void refused(String source, Refusal r) {
        (r.appCaused() ? apps : visitors).refused(source, r.reason, r.logDetail);
    }

    /** A connection from {@code source} was closed unanswered: its source had its limit of connections open. */
    void overLimit(String source) {
        visitors.refused(source, OVER_LIMIT);
    }

    /** Writes what is still unsaid (the ingress is closing). */
    void flush() {
        visitors.flush();
        apps.flush();
    }
}
