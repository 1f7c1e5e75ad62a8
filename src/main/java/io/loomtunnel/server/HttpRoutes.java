package io.loomtunnel.server;

import io.loomtunnel.internal.http.HttpRoute;
import io.loomtunnel.internal.http.HttpRouter;
import io.loomtunnel.internal.http.Upstream;
import io.loomtunnel.internal.https.PassthroughRouter;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The server's HTTP virtual hosts: which client's tunnel serves each host name. A tunnel asks for
 * NAME (served at NAME.DOMAIN) or a full domain (served as it is); a host belongs to one tunnel
 * at a time. When a tunnel's client goes away its host is <em>held</em> for the client's account
 * (its principal) for {@code hold}: visitors get 502 ("the tunnel's client is offline") rather
 * than 404, and only a client of the same account, or one whose grant names the host exactly,
 * may claim it; after that it is forgotten (404) and free for anyone its grant allows. A passthrough
 * tunnel's host is routed only by TLS server name ({@link #passthrough}), never to HTTP requests.
 *
 * <p>Locking: {@code this} guards every change to {@code byHost} and {@code held} (claim, release,
 * forgetting), none of which blocks; {@link #route} reads {@code byHost}, a concurrent map,
 * without it and only takes it to forget a hold that ran out. {@code port} is volatile, set once
 * before any client can claim a host. No other lock is taken under it.
 */
final class HttpRoutes implements HttpRouter, PassthroughRouter {
    /** Holds kept at once, over all accounts; beyond it the oldest hold goes. */
    static final int MAX_HELD = 100_000;
    /** Holds one account keeps at once; beyond it its own oldest hold goes. */
    static final int MAX_HELD_PER_ACCOUNT = 1_024;

    private final Map<String, HttpRoute> byHost = new ConcurrentHashMap<>();
    /** The held hosts, oldest first. */
    private final LinkedHashMap<String, Held> held = new LinkedHashMap<>();
    private final Map<String, Integer> heldByAccount = new HashMap<>();
    private final String domain;
    private final long holdNanos;
    private volatile int port;
    private volatile int httpsPort = -1;
    private volatile Predicate<String> certified = h -> false;
    private volatile java.util.function.Consumer<String> claimed = h -> { };

    HttpRoutes(String domain, Duration hold) {
        this.domain = domain.toLowerCase(Locale.ROOT);
        this.holdNanos = hold.toNanos();
    }

    /** The ingress's port, known once it listens; URLs show it. */
    void listeningOn(int port) {
        this.port = port;
    }

    /** The HTTPS listener's port, and which hosts it has a certificate for; URLs of those hosts are https. */
    void listeningOnHttps(int port, Predicate<String> certificateFor) {
        this.certified = certificateFor;
        this.httpsPort = port;
    }

    /** Told each host a tunnel without passthrough claims (ACME asks for its certificate); it must not block. */
    void onClaim(java.util.function.Consumer<String> listener) {
        this.claimed = listener;
    }

    /** True if an HTTPS listener runs, so that passthrough tunnels can be served. */
    boolean servesHttps() {
        return httpsPort >= 0;
    }

    @Override
    public HttpRoute route(String host) {
        HttpRoute r = live(host);
        return r instanceof HttpTunnel t && t.passthrough() ? null : r;
    }

    @Override
    public HttpRoute passthrough(String serverName) {
        return live(serverName) instanceof HttpTunnel t && t.passthrough() ? t : null;
    }

    private HttpRoute live(String host) {
        HttpRoute r = byHost.get(host);
        if (r instanceof Held h && h.expired(holdNanos)) {
            synchronized (this) {
                forget(host, h);
            }
            return null;
        }
        return r;
    }

    @Override
    public void expireIdle(long nowNanos) {
        byHost.values().forEach(r -> r.expireIdle(nowNanos));
    }

    /** The host a tunnel's {@code host} setting means: NAME.DOMAIN for a bare name, else itself. */
    String hostFor(String requested) {
        String h = requested.toLowerCase(Locale.ROOT);
        return h.contains(".") ? h : h + "." + domain;
    }

    /**
     * Claims {@code host} for the tunnel of a client of {@code grant}; the refusal says why not: it
     * is served now, or it is held for another account and the grant does not name it.
     */
    synchronized void claim(String host, HttpTunnel tunnel, ClientGrant grant) throws PortBinder.RefusedException {
        HttpRoute current = byHost.get(host);
        if (current instanceof Held h && (h.expired(holdNanos) || h.account().equals(grant.account()) || grant.namesExactly(host))) {
            forget(host, h);
            current = null;
        }
        if (current instanceof Held) {
            throw new PortBinder.RefusedException("host " + host + " is kept for the client that served it, for a while after it"
                    + " left (limits.http_host_hold); the server's operator may name the host in this client's grant");
        }
        if (current != null) {
            throw new PortBinder.RefusedException("host " + host + " is already served by another tunnel");
        }
        byHost.put(host, tunnel);
        if (!tunnel.passthrough()) {
            claimed.accept(host);
        }
    }

    /** The tunnel is gone: its host is held for its account. */
    synchronized void release(String host, HttpTunnel tunnel) {
        if (byHost.get(host) != tunnel) {
            return;
        }
        Held h = new Held(tunnel.name(), tunnel.account(), System.nanoTime());
        byHost.put(host, h);
        held.put(host, h);
        int n = heldByAccount.merge(h.account(), 1, Integer::sum);
        if (n > MAX_HELD_PER_ACCOUNT) {
            forgetOldest(e -> e.getValue().account().equals(h.account()));
        }
        if (held.size() > MAX_HELD) {
            forgetOldest(e -> true);
        }
    }

    private void forgetOldest(Predicate<Map.Entry<String, Held>> which) {
        for (Iterator<Map.Entry<String, Held>> it = held.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Held> e = it.next();
            if (which.test(e)) {
                forget(e.getKey(), e.getValue());
                return;
            }
        }
    }

    /** Drops the hold {@code h} of {@code host}, if it is still there. Called holding the lock. */
    private void forget(String host, Held h) {
        if (held.remove(host, h)) {
            byHost.remove(host, h);
            heldByAccount.computeIfPresent(h.account(), (a, n) -> n == 1 ? null : n - 1);
        }
    }

    /** The route of a host whose client left, held for its account. */
    private record Held(String name, String account, long sinceNanos) implements HttpRoute {
        @Override
        public Upstream open() throws IOException {
            throw new IOException("the client of tunnel '" + name + "' is offline");
        }

        boolean expired(long holdNanos) {
            return System.nanoTime() - sinceNanos > holdNanos;
        }
    }

    /** The URL the public uses for a host: https when the HTTPS listener serves it. */
    String url(String host) {
        int tls = httpsPort;
        if (tls >= 0 && (passthrough(host) != null || certified.test(host))) {
            return "https://" + host + (tls == 443 ? "" : ":" + tls) + "/";
        }
        return "http://" + host + (port == 80 ? "" : ":" + port) + "/";
    }
}
