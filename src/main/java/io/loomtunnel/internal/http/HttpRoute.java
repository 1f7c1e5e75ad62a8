package io.loomtunnel.internal.http;

import io.loomtunnel.internal.policy.PolicyChain;
import java.io.IOException;

/** One HTTP tunnel: a name for pages and logs, and a way to open a fresh upstream per request. */
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
}
