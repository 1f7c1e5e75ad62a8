package io.loomtunnel.internal.limits;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.function.LongSupplier;

/**
 * Penalties per source ({@link Sources}) for failed attempts (wrong tokens, failed set-ups): a
 * source that fails too often is blocked for a while, by its {@link Rule}. Blocked attempts are
 * the caller's to refuse without a check, and add nothing. At most {@code maxSources} sources are
 * remembered; when the table is full, the one heard from least recently is forgotten, so the table
 * cannot grow without bound (a stranger with more sources than that can make it forget a penalty,
 * as with OpenSSH's "permissive" overflow). A source with nothing left to remember (its penalty
 * and failures have run out) is forgotten when next looked up. Used by the admin endpoint and
 * the control port (docs/SECURITY.md).
 *
 * <p>Locking: {@code this} guards the table; a leaf, held for a look-up or an update only.
 */
public final class PenaltyBox {
    /** How failures turn into a block. */
    public sealed interface Rule permits Accumulating, Streak {}

    /**
     * OpenSSH's PerSourcePenalties: each failure pushes the source's penalty {@code perFailure}
     * further into the future (from now, when it had run out); once it reaches {@code blockAt}
     * ahead, the source is blocked until all of it has run out.
     */
    public record Accumulating(Duration perFailure, Duration blockAt) implements Rule {}

    /**
     * After {@code failures} failures, each within {@code penalty} of the one before, the source
     * is blocked for {@code penalty}; 0 failures: never (and nothing is remembered).
     */
    public record Streak(int failures, Duration penalty) implements Rule {}

    /** What the box remembers of one source. */
    private static final class Penalty {
        /** When the penalty runs out (nanoTime): the block's end, and for {@link Accumulating} the penalty's too. */
        long until;
        boolean blocking;
        /** For {@link Streak}: failures in a row, the last at {@code lastFailure}. */
        int streak;
        long lastFailure;
    }

    private final Rule rule;
    private final int maxSources;
    private final LongSupplier nanoTime;
    /** Least recently heard from first. */
    private final LinkedHashMap<String, Penalty> table = new LinkedHashMap<>(16, 0.75f, true);

    /**
     * @param rule       how failures turn into a block
     * @param maxSources sources remembered at once
     * @param nanoTime   the clock, {@code System::nanoTime} but in tests
     */
    public PenaltyBox(Rule rule, int maxSources, LongSupplier nanoTime) {
        if (maxSources < 1) {
            throw new IllegalArgumentException("max sources must be at least 1, got " + maxSources);
        }
        this.rule = rule;
        this.maxSources = maxSources;
        this.nanoTime = nanoTime;
    }

    /** How long {@code source} is still blocked, or zero. */
    public synchronized Duration blocked(String source) {
        long now = nanoTime.getAsLong();
        Penalty p = table.get(source);
        if (p == null) {
            return Duration.ZERO;
        }
        if (nothingToRemember(p, now)) {
            table.remove(source);
            return Duration.ZERO;
        }
        return blocking(p, now) ? Duration.ofNanos(p.until - now) : Duration.ZERO;
    }

    /** Counts a failure of {@code source}; true when that started a block. */
    public synchronized boolean failed(String source) {
        if (rule instanceof Streak s && s.failures() == 0) {
            return false;
        }
        long now = nanoTime.getAsLong();
        Penalty p = table.get(source);
        if (p == null) {
            if (table.size() >= maxSources) {
                Iterator<Penalty> eldest = table.values().iterator();
                eldest.next();
                eldest.remove();
            }
            p = new Penalty();
            p.until = now;
            table.put(source, p);
        }
        return switch (rule) {
            case Accumulating a -> accumulate(p, a, now);
            case Streak s -> streak(p, s, now);
        };
    }

    /** Sources remembered now (for tests and the bound). */
    public synchronized int sources() {
        return table.size();
    }

    private static boolean accumulate(Penalty p, Accumulating rule, long now) {
        if (p.until - now <= 0) { // run out: a fresh start
            p.until = now;
            p.blocking = false;
        }
        p.until += rule.perFailure().toNanos();
        boolean starts = !p.blocking && p.until - now >= rule.blockAt().toNanos();
        p.blocking |= starts;
        return starts;
    }

    private static boolean streak(Penalty p, Streak rule, long now) {
        if (p.streak > 0 && now - p.lastFailure > rule.penalty().toNanos()) {
            p.streak = 0; // the earlier failures were too long ago to count
        }
        p.streak++;
        p.lastFailure = now;
        if (p.streak < rule.failures()) {
            return false;
        }
        boolean starts = !blocking(p, now);
        p.streak = 0;
        p.blocking = true;
        p.until = now + rule.penalty().toNanos();
        return starts;
    }

    private static boolean blocking(Penalty p, long now) {
        return p.blocking && p.until - now > 0;
    }

    private boolean nothingToRemember(Penalty p, long now) {
        return switch (rule) {
            case Accumulating a -> p.until - now <= 0;
            case Streak s -> !blocking(p, now) && (p.streak == 0 || now - p.lastFailure > s.penalty().toNanos());
        };
    }
}
