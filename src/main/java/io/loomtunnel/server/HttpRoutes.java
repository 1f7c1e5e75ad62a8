package io.loomtunnel.server;

import io.loomtunnel.internal.http.HttpRoute;
import io.loomtunnel.internal.http.HttpRouter;
import io.loomtunnel.internal.http.Upstream;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's HTTP virtual hosts: which client's tunnel serves each host name. A tunnel asks for
 * NAME (served at NAME.DOMAIN) or a full domain (served as it is); a host belongs to one tunnel
 * at a time. When a tunnel's client goes away its host stays known as offline for a while, so
 * visitors get 502 ("the tunnel's client is offline") rather than 404, until a client claims it again.
 *
 * <p>Locking: none. {@code byHost} is a concurrent map, changed only by atomic per-key
 * operations (a host is claimed, released or forgotten in one step); {@code port} is volatile,
 * set once before any client can claim a host.
 */
final class HttpRoutes implements HttpRouter {
    /** How long a host of a departed client answers 502 before it is forgotten (then 404). */
    private static final Duration OFFLINE_MEMORY = Duration.ofHours(1);

    private final Map<String, HttpRoute> byHost = new ConcurrentHashMap<>();
    private final String domain;
    private volatile int port;

    HttpRoutes(String domain) {
        this.domain = domain.toLowerCase(Locale.ROOT);
    }

    /** The ingress's port, known once it listens; URLs show it. */
    void listeningOn(int port) {
        this.port = port;
    }

    @Override
    public HttpRoute route(String host) {
        HttpRoute r = byHost.get(host);
        if (r instanceof Offline o && o.expired()) {
            byHost.remove(host, o);
            return null;
        }
        return r;
    }

    /** The host a tunnel's {@code host} setting means: NAME.DOMAIN for a bare name, else itself. */
    String hostFor(String requested) {
        String h = requested.toLowerCase(Locale.ROOT);
        return h.contains(".") ? h : h + "." + domain;
    }

    /** Claims {@code host} for a route; the refusal names who would be shadowed. */
    void claim(String host, HttpRoute route) throws PortBinder.RefusedException {
        HttpRoute previous = byHost.compute(host, (h, old) -> old == null || old instanceof Offline ? route : old);
        if (previous != route) {
            throw new PortBinder.RefusedException("host " + host + " is already served by another tunnel");
        }
    }

    /** The tunnel is gone: its host answers 502 for a while. */
    void release(String host, HttpRoute route) {
        byHost.replace(host, route, new Offline(route.name(), System.nanoTime()));
    }

    /** The route of a host whose client left. */
    private record Offline(String name, long sinceNanos) implements HttpRoute {
        @Override
        public Upstream open() throws IOException {
            throw new IOException("the client of tunnel '" + name + "' is offline");
        }

        boolean expired() {
            return System.nanoTime() - sinceNanos > OFFLINE_MEMORY.toNanos();
        }
    }

    /** The URL the public uses for a host. */
    String url(String host) {
        return "http://" + host + (port == 80 ? "" : ":" + port) + "/";
    }
}
