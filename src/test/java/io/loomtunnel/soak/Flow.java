package io.loomtunnel.soak;

import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * One kind of traffic on one path, run in a loop on its own virtual thread until stopped, bounded
 * in count ({@code maxRounds}) and, through its socket timeouts, in time. Every byte it gets back
 * is checked; a byte that differs fails the run at once, and a stream or request that ends early
 * fails it unless a fault hit its path meanwhile (then it is counted as excused).
 */
abstract class Flow implements Runnable {
    /** After a round a fault cut short, wait this long before the next, so a dead path is not hammered. */
    private static final long PAUSE_AFTER_CUT_MS = 500;

    /** Counts a report keeps of a flow. */
    record Totals(String flow, String path, long rounds, long ok, long killedOnPurpose, long excused, long bytesChecked) {}

    final String name;
    final Set<Part> path;
    final Env env;
    private final long maxRounds;
    private volatile boolean stopping;
    final AtomicLong rounds = new AtomicLong();
    final AtomicLong ok = new AtomicLong();
    final AtomicLong killedOnPurpose = new AtomicLong();
    final AtomicLong excused = new AtomicLong();
    final AtomicLong bytesChecked = new AtomicLong();

    Flow(String name, Set<Part> path, Env env, long maxRounds) {
        this.name = name;
        this.path = Set.copyOf(path);
        this.env = env;
        this.maxRounds = maxRounds;
    }

    /** The seed of round {@code n}'s bytes: each flow and round has its own. */
    long seed(long n) {
        return Payload.mix(name.hashCode() * 0x100000001L + n);
    }

    /** One stream, request or exchange; returns when it is over, however it ended. */
    abstract void round(long n) throws Exception;

    @Override
    public final void run() {
        try {
            begin();
            for (long n = 0; n < maxRounds && !stopping && !env.verdict().failed(); n++) {
                rounds.incrementAndGet();
                round(n);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | AssertionError e) {
            env.verdict().fail(name + ": unexpected " + e);
        }
        finish();
    }

    /** Called once before the first round, on the flow's thread. */
    void begin() throws Exception {}

    /** Asks the loop to end after the round in progress. */
    void stop() {
        stopping = true;
    }

    boolean stopping() {
        return stopping;
    }

    /** Called once when the loop ends, on its thread: close what stays open between rounds. */
    void finish() {}

    /** A byte that is not what was sent: the run fails, whatever else happened. */
    void corrupt(String detail) {
        env.verdict().fail("corrupted data: " + name + " " + detail);
    }

    /**
     * A round that started at {@code start} (ms) ended before all its bytes came back: excused if a
     * fault that may end streams hit its path meanwhile, else the run fails.
     */
    void endedEarly(long start, String detail) throws InterruptedException {
        if (env.faults().excuses(path, start, env.clock().now(), true)) {
            excused.incrementAndGet();
            Thread.sleep(PAUSE_AFTER_CUT_MS);
        } else {
            env.verdict().fail("lost data: " + name + " " + detail + ", with no fault on its path (" + pathText() + ")");
        }
    }

    String pathText() {
        return path.stream().sorted().map(p -> p.name().toLowerCase().replace('_', '-')).collect(Collectors.joining(", "));
    }

    Totals totals() {
        return new Totals(name, pathText(), rounds.get(), ok.get(), killedOnPurpose.get(), excused.get(), bytesChecked.get());
    }
}
