package io.loomtunnel.server;

import io.loomtunnel.internal.http.HttpRoute;
import io.loomtunnel.internal.http.Upstream;
import java.io.IOException;

/** An HTTP tunnel: a host name in the server's {@link HttpRoutes}, whose requests become streams to the client. */
final class HttpTunnel implements ExposedTunnel, HttpRoute {
    /** Opens a stream to the client for one request. */
    interface StreamOpener {
        Upstream open(String tunnel) throws IOException;
    }

    private final int id;
    private final String name;
    private final String host;
    private final HttpRoutes routes;
    private final StreamOpener opener;

    private HttpTunnel(int id, String name, String host, HttpRoutes routes, StreamOpener opener) {
        this.id = id;
        this.name = name;
        this.host = host;
        this.routes = routes;
        this.opener = opener;
    }

    static HttpTunnel claim(int id, String name, String requestedHost, HttpRoutes routes, StreamOpener opener)
            throws PortBinder.RefusedException {
        HttpTunnel t = new HttpTunnel(id, name, routes.hostFor(requestedHost), routes, opener);
        routes.claim(t.host, t);
        return t;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Upstream open() throws IOException {
        return opener.open(name);
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
    }
}
