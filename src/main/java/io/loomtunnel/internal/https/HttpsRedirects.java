package io.loomtunnel.internal.https;

import io.loomtunnel.internal.http.HttpRoute;
import io.loomtunnel.internal.http.HttpRouter;
import io.loomtunnel.internal.http.Upstream;
import java.util.function.IntSupplier;
import java.util.function.Predicate;

/**
 * The plain HTTP listener's router when HTTPS is on: a request for a host that HTTPS serves (a
 * certificate covers it, or it is a passthrough tunnel) and that has a tunnel gets 308 (or 301)
 * to the same URL on https://; other hosts are routed as before.
 */
public final class HttpsRedirects implements HttpRouter {
    private final HttpRouter inner;
    private final PassthroughRouter passthrough;
    private final Predicate<String> certified;
    private final int status;
    private final IntSupplier httpsPort;

    /**
     * @param passthrough the passthrough tunnels, whose hosts are always redirected
     * @param certified which hosts the HTTPS listener has a certificate for
     * @param status 308 or 301
     * @param httpsPort the port URLs name (443 is left out)
     */
    public HttpsRedirects(HttpRouter inner, PassthroughRouter passthrough, Predicate<String> certified, int status,
            IntSupplier httpsPort) {
        this.inner = inner;
        this.passthrough = passthrough;
        this.certified = certified;
        this.status = status;
        this.httpsPort = httpsPort;
    }

    @Override
    public HttpRoute route(String host) {
        HttpRoute r = inner.route(host);
        HttpRoute tls = r == null ? passthrough.passthrough(host) : null;
        if (tls == null && (r == null || !certified.test(host))) {
            return r;
        }
        String name = r != null ? r.name() : tls.name();
        return new HttpRoute() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Upstream open() {
                return new LocalAnswer(target -> redirect(host, target));
            }
        };
    }

    private String redirect(String host, String target) {
        int port = httpsPort.getAsInt();
        String location = "https://" + host + (port == 443 ? "" : ":" + port) + (target.startsWith("/") ? target : "/");
        return "HTTP/1.1 " + status + (status == 308 ? " Permanent Redirect" : " Moved Permanently") + "\r\n"
                + "Location: " + location + "\r\n"
                + "Content-Length: 0\r\n"
                + "\r\n";
    }
}
