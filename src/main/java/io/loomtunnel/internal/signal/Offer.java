package io.loomtunnel.internal.signal;

import java.util.List;

/**
 * The connecting peer's signed offer: I am {@code from} (key {@code key}), I want {@code service}
 * of peer {@code to} in a new session {@code session}; I can be reached at {@code candidates}
 * until {@code expires}.
 */
public record Offer(String from, String key, String to, String session, String service, List<String> candidates,
                    long created, long expires) implements SignedBody {
    public Offer {
        candidates = candidates == null ? null : List.copyOf(candidates);
    }
}
