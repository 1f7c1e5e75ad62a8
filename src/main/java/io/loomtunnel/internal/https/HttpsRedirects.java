package io.loomtunnel.internal.https;

import io.loomtunnel.internal.http.HttpRoute;
import io.loomtunnel.internal.http.HttpRouter;
import io.loomtunnel.internal.http.Upstream;
import java.util.function.IntSupplier;
import java.util.function.Predicate;

/**
 * The plain HTTP listener's router when HTTPS is on: a request for a host that HTTPS serves (a
 * certificate covers it, or it is a passthrough tunnel) and that has a tunnel gets 308 (or 301)
 * to the same URL on https:// (status 0: no redirects); other hosts are routed as before. While
 * an ACME HTTP-01 validation of a host is under way (seconds), the listener answers that host
 * itself: the challenge path with its key authorization, other paths with the redirect when there
 * is one, else 503 with Retry-After.
 */
public final class HttpsRedirects implements HttpRouter {
    private final HttpRouter inner;
    private final PassthroughRouter passthrough;
    private final Predicate<String> certified;
    private final int status;
    private final IntSupplier httpsPort;
    private final AcmeChallenges challenges;

    /**
     * @param passthrough the passthrough tunnels, whose hosts are always redirected
     * @param certified which hosts the HTTPS listener has a certificate for
     * @param status 308, 301, or 0 for none
     * @param httpsPort the port URLs name (443 is left out)
     * @param challenges the HTTP-01 challenges to answer
     */
    public HttpsRedirects(HttpRouter inner, PassthroughRouter passthrough, Predicate<String> certified, int status,
            IntSupplier httpsPort, AcmeChallenges challenges) {
        this.challenges = challenges;
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
        boolean redirected = status != 0 && (tls != null || r != null && certified.test(host));
        if (challenges.http01Pending(host)) {
            return local(host, target -> target.startsWith(AcmeChallenges.HTTP01_PREFIX)
                    ? challenge(host, target.substring(AcmeChallenges.HTTP01_PREFIX.length()))
                    : redirected ? redirect(host, target) : response("503 Service Unavailable", "Retry-After: 5\r\n", ""));
        }
        return redirected ? local(r != null ? r.name() : tls.name(), target -> redirect(host, target)) : r;
    }

    @Override
    public void expireIdle(long nowNanos) {
        inner.expireIdle(nowNanos);
    }

    private static HttpRoute local(String name, java.util.function.Function<String, String> answer) {
        return new HttpRoute() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Upstream open() {
                return new LocalAnswer(answer);
            }
        };
    }

    private String challenge(String host, String token) {
        String keyAuthorization = challenges.http01(host, token);
        return keyAuthorization == null ? response("404 Not Found", "", "")
                : response("200 OK", "Content-Type: application/octet-stream\r\n", keyAuthorization);
    }

    private static String response(String status, String fields, String body) {
        return "HTTP/1.1 " + status + "\r\n" + fields + "Content-Length: " + body.length() + "\r\n\r\n" + body;
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
