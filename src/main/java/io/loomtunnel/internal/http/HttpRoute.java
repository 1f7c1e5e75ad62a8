package io.loomtunnel.internal.http;

import java.io.IOException;

/** One HTTP tunnel: a name for pages and logs, and a way to open a fresh upstream per request. */
public interface HttpRoute {
    /** The tunnel's name, shown in the 502 page when the upstream cannot be opened. */
    String name();

    /** A new conduit to the tunnel's web app; IOException means the tunnel is offline or unreachable (502). */
    Upstream open() throws IOException;
}
