package io.loomtunnel.internal.path;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * What signaling learned about paths besides the other side's block: the public address a server
 * saw the other side's punch port at (one more candidate to dial), and a relay to fall back on.
 * Manual signaling learns neither.
 *
 * @param observed the other side's punch port as a server sees it; empty when unknown
 * @param relay null when there is none
 */
public record PathHints(List<InetSocketAddress> observed, RelayDialer relay) {
    public static final PathHints NONE = new PathHints(List.of(), null);

    public PathHints {
        observed = List.copyOf(observed);
    }

    /** The same without the relay: a race of direct attempts only. */
    public PathHints withoutRelay() {
        return new PathHints(observed, null);
    }

    /** {@code candidates} and then the observed addresses, without repeats. */
    public List<InetSocketAddress> withObserved(List<InetSocketAddress> candidates) {
        return java.util.stream.Stream.concat(candidates.stream(), observed.stream()).distinct().toList();
    }
}
