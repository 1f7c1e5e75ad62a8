package io.loomtunnel.internal.http;

import static io.loomtunnel.internal.net.Closeables.closeQuietly;

import io.loomtunnel.internal.policy.PolicyChain;
import java.io.IOException;

/**
 * One HTTP tunnel: a name for pages and logs, a way to open a fresh upstream, and (when it pools
 * them, docs/HTTP.md "Pooled upstreams") a place to keep upstreams between requests.
 */
public interface HttpRoute {
    /** The tunnel's name, for the log only: error pages never show it. */
    String name();

    /**
     * A new conduit to the tunnel's web app; IOException means the tunnel is offline, full or
     * unreachable (502; its message goes to the log, not to the visitor).
     */
    Upstream open() throws IOException;

    /** The tunnel's traffic policies, run on each request before anything crosses the tunnel (docs/PLUGINS.md). */
    default PolicyChain policies() {
        return PolicyChain.EMPTY;
    }

    /** An upstream kept from an earlier request, still open, or null (then {@link #open} a fresh one). */
    default Upstream reuse() {
        return null;
    }

    /** Takes back an upstream whose exchange ended cleanly, to keep it for another request or close it. */
    default void keep(Upstream upstream) {
        closeQuietly(upstream);
    }

    /** Closes kept upstreams idle too long or ended meanwhile; the ingress calls it a few times a second. */
    default void expireIdle(long nowNanos) {
    }
}
