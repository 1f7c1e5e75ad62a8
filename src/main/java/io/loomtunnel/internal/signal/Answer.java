package io.loomtunnel.internal.signal;

import java.util.List;

/**
 * The sharing peer's signed answer to one offer (same {@code session}): either its candidates
 * and the service's type ({@code tcp} or {@code udp}), or a refusal code and reason, with no
 * candidates.
 *
 * @param refusal null when accepted; else a refusal code (docs/protocol/SESSION.md, "Peer-to-peer")
 */
public record Answer(String from, String key, String to, String session, String service, String serviceType,
                     List<String> candidates, long created, long expires, String refusal, String reason)
        implements SignedBody {
    public Answer {
        candidates = candidates == null ? null : List.copyOf(candidates);
    }

    public boolean refused() {
        return refusal != null;
    }
}
