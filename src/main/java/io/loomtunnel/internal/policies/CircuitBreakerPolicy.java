package io.loomtunnel.internal.policies;

import io.loomtunnel.plugin.Completion;
import io.loomtunnel.plugin.Policy;
import io.loomtunnel.plugin.PolicyConfigException;
import io.loomtunnel.plugin.PolicyProvider;
import io.loomtunnel.plugin.PolicySettings;
import io.loomtunnel.plugin.Request;
import io.loomtunnel.plugin.RequestAction;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * {@code circuit-breaker}: one {@link CircuitBreaker} per tunnel. A request counts as failed when
 * the service could not be reached or answered no valid response (the ingress's 502/504) or
 * answered 5xx. Settings: {@code failures} in a row (default 5), {@code failure_rate} (0 to 1,
 * default off) over the last {@code window} requests (default 20), {@code open_for} (default 30s).
 * While open: 503 with Retry-After.
 *
 * <p>Only requests it let through are counted: they are remembered (by identity, until their
 * {@code onComplete}) in {@code passed}, whose lock is a leaf.
 */
final class CircuitBreakerPolicy implements Policy {
    /** Requests in flight remembered at most: beyond it (a chain that lost completions) the set starts over. */
    private static final int MAX_IN_FLIGHT = 100_000;
    private final CircuitBreaker breaker;
    private final Set<Request> passed = Collections.newSetFromMap(new IdentityHashMap<>());

    CircuitBreakerPolicy(CircuitBreaker breaker) {
        this.breaker = breaker;
    }

    /** Registered in META-INF/services. */
    public static final class Provider implements PolicyProvider {
        @Override
        public String name() {
            return "circuit-breaker";
        }

        @Override
        public Policy create(PolicySettings settings) throws PolicyConfigException {
            long failures = settings.integer("failures", 5, 1, 1_000_000);
            double rate = 1.0;
            long window = 0;
            if (settings.has("failure_rate")) {
                Object r = settings.value("failure_rate");
                if (!(r instanceof Number n) || !(n.doubleValue() > 0 && n.doubleValue() <= 1)) {
                    throw settings.error("failure_rate", "must be a number above 0 and at most 1, as 0.5");
                }
                rate = ((Number) r).doubleValue();
                window = settings.integer("window", 20, 1, 10_000);
            }
            Duration openFor = settings.duration("open_for", Duration.ofSeconds(30));
            return new CircuitBreakerPolicy(new CircuitBreaker((int) failures, rate, (int) window, openFor.toNanos(), System::nanoTime));
        }
    }

    @Override
    public RequestAction onRequest(Request request) {
        long wait = breaker.tryPass();
        if (wait > 0) {
            return RequestAction.respond(Settings.retryAfter(503, wait, "The service is failing; try again in " + wait + " s."));
        }
        synchronized (passed) {
            if (passed.size() >= MAX_IN_FLIGHT) {
                passed.clear();
            }
            passed.add(request);
        }
        return RequestAction.CONTINUE;
    }

    @Override
    public void onComplete(Request request, Completion completion) {
        boolean mine;
        synchronized (passed) {
            mine = passed.remove(request);
        }
        if (mine && completion.status() != 0) {
            breaker.record(!completion.serviceFailed() && completion.status() < 500);
        } else if (mine && completion.serviceFailed()) {
            breaker.record(false);
        }
    }
}
