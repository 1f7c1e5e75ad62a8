package io.loomtunnel.server;

import io.loomtunnel.internal.http.HttpRoute;
import io.loomtunnel.internal.http.Upstream;
import io.loomtunnel.internal.http.UpstreamPool;
import io.loomtunnel.internal.policy.PolicyChain;
import java.io.IOException;

/**
 * An HTTP tunnel: a host name in the server's {@link HttpRoutes}, whose requests become streams to
 * the client; the host is held for the client's account when it closes. Streams whose exchange
 * ended cleanly are kept in its {@link UpstreamPool} for later requests, and closed with it. A
 * passthrough tunnel's streams carry whole TLS connections from the HTTPS listener instead, which
 * its service terminates.
 */
final class HttpTunnel implements ExposedTunnel, HttpRoute {
    /** Opens a stream to the client for one request. */
    interface StreamOpener {
        Upstream open() throws IOException;
    }

    private final int id;
    private final String name;
    private final String host;
    private final String account;
    private final boolean passthrough;
    private final HttpRoutes routes;
    private final StreamOpener opener;
    private final PolicyChain policies;
    private final UpstreamPool idle = new UpstreamPool(UpstreamPool.MAX_IDLE, UpstreamPool.IDLE_TIMEOUT);

    private HttpTunnel(int id, String name, String host, String account, boolean passthrough, HttpRoutes routes,
            StreamOpener opener, PolicyChain policies) {
        this.policies = policies;
        this.id = id;
        this.name = name;
        this.host = host;
        this.account = account;
        this.passthrough = passthrough;
        this.routes = routes;
        this.opener = opener;
    }

    /** Claims the host {@code requestedHost} means, if the client's grant allows it and nobody else has or holds it. */
    static HttpTunnel claim(int id, String name, String requestedHost, boolean passthrough, ClientGrant grant, HttpRoutes routes,
            StreamOpener opener, PolicyChain policies) throws PortBinder.RefusedException {
        String host = routes.hostFor(requestedHost);
        String refusal = grant.hostRefusal(host);
        if (refusal != null) {
            throw new PortBinder.RefusedException(refusal);
        }
        HttpTunnel t = new HttpTunnel(id, name, host, grant.account(), passthrough, routes, opener, policies);
        routes.claim(host, t, grant);
        return t;
    }

    @Override
    public String name() {
        return name;
    }

    /** True if the HTTPS listener passes TLS connections for the host through to the client's service. */
    boolean passthrough() {
        return passthrough;
    }

    /** Whom the host is held for when the tunnel closes. */
    String account() {
        return account;
    }

    @Override
    public Upstream open() throws IOException {
        return opener.open();
    }

    @Override
    public PolicyChain policies() {
        return policies;
    }

    @Override
    public Upstream reuse() {
        return idle.take(System.nanoTime());
    }

    @Override
    public void keep(Upstream upstream) {
        idle.give(upstream, System.nanoTime());
    }

    @Override
    public void expireIdle(long nowNanos) {
        idle.expire(nowNanos);
    }

    /** How many streams are kept idle now. */
    int idleUpstreams() {
        return idle.idle();
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public String address() {
        return routes.url(host);
    }

    @Override
    public void close() {
        routes.release(host, this);
        idle.close();
    }
}
