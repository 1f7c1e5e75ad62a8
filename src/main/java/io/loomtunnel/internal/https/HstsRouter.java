package io.loomtunnel.internal.https;

import io.loomtunnel.internal.http.HttpRoute;
import io.loomtunnel.internal.http.HttpRouter;
import io.loomtunnel.internal.http.Upstream;
import io.loomtunnel.internal.policy.PolicyChain;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * The HTTPS ingress's router: each route's responses get a Strict-Transport-Security field (RFC 6797 7.1).
 * A wrapped route keeps its tunnel's policies; its upstreams carry the field and are never kept for
 * another request (a kept one would bring the field to the plain HTTP ingress too), so with HSTS
 * on, HTTPS requests open a fresh stream each (docs/HTTP.md, "Pooled upstreams").
 */
final class HstsRouter implements HttpRouter {
    private final HttpRouter inner;
    private final String field;

    HstsRouter(HttpRouter inner, String value) {
        this.inner = inner;
        this.field = "Strict-Transport-Security: " + value;
    }

    @Override
    public HttpRoute route(String host) {
        HttpRoute r = inner.route(host);
        return r == null ? null : new HttpRoute() {
            @Override
            public String name() {
                return r.name();
            }

            @Override
            public PolicyChain policies() {
                return r.policies();
            }

            @Override
            public Upstream open() throws IOException {
                Upstream up = r.open();
                InputStream in = new HeaderAddingInput(up.input(), field);
                return new Upstream() {
                    @Override
                    public InputStream input() {
                        return in;
                    }

                    @Override
                    public OutputStream output() {
                        return up.output();
                    }

                    @Override
                    public void shutdownOutput() throws IOException {
                        up.shutdownOutput();
                    }

                    @Override
                    public void setReadTimeout(Duration timeout) {
                        up.setReadTimeout(timeout);
                    }

                    @Override
                    public void abortRead() throws IOException {
                        up.abortRead();
                    }

                    @Override
                    public void close() throws IOException {
                        up.close();
                    }
                };
            }
        };
    }

    @Override
    public void expireIdle(long nowNanos) {
        inner.expireIdle(nowNanos);
    }
}
