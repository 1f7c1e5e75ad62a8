package io.loomtunnel.internal.limits;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Refusals counted by reason for a refusal log's summary, bounded: at most {@link #MAX_REASONS}
 * reasons are told apart, the rest are counted as {@code other}. Said as {@code (foreign Host:
 * 100, wrong bearer token: 1,197)}, reasons in alphabetical order. Not thread-safe: the log that
 * owns it guards it.
 */
final class ReasonCounts {
    /** Distinct reasons counted; more are summed up as {@code other}. */
    static final int MAX_REASONS = 32;
    private static final String OTHER = "other";

    private final Map<String, Long> byReason = new TreeMap<>();
    private long total;

    void add(String reason) {
        byReason.merge(byReason.containsKey(reason) || byReason.size() < MAX_REASONS ? reason : OTHER, 1L, Long::sum);
        total++;
    }

    long total() {
        return total;
    }

    @Override
    public String toString() {
        return byReason.entrySet().stream().map(e -> e.getKey() + ": " + number(e.getValue()))
                .collect(Collectors.joining(", ", "(", ")"));
    }

    /** {@code 2,903}: a count as every refusal log writes it. */
    static String number(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
