package io.loomtunnel.internal.https;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.loomtunnel.internal.http.HttpRoute;
import io.loomtunnel.internal.http.HttpRouter;
import io.loomtunnel.internal.http.Upstream;
import io.loomtunnel.internal.policy.PolicyChain;
import io.loomtunnel.internal.policy.PolicyRegistry;
import io.loomtunnel.plugin.PolicySpec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The HTTPS ingress's router wrappers keep what the wrapped routes carry besides their upstreams. */
class HttpsRoutersTest {
    @Test
    void hstsKeepsTheTunnelsPoliciesAndPassesIdleExpiryOn() throws Exception {
        PolicyChain policies = PolicyRegistry.load(null).chain(
                List.of(new PolicySpec("ip-deny", Map.of("cidrs", List.of("192.0.2.0/24")), "test", null)));
        AtomicLong expired = new AtomicLong();
        HttpRoute route = new HttpRoute() {
            @Override
            public String name() {
                return "web";
            }

            @Override
            public Upstream open() {
                throw new UnsupportedOperationException();
            }

            @Override
            public PolicyChain policies() {
                return policies;
            }
        };
        HttpRouter inner = new HttpRouter() {
            @Override
            public HttpRoute route(String host) {
                return host.equals("web.example.org") ? route : null;
            }

            @Override
            public void expireIdle(long nowNanos) {
                expired.set(nowNanos);
            }
        };
        HstsRouter hsts = new HstsRouter(inner, "max-age=60");
        assertSame(policies, hsts.route("web.example.org").policies(), "an HTTPS request must meet the tunnel's policies");
        assertNull(hsts.route("other.example.org"));
        hsts.expireIdle(42);
        assertEquals(42, expired.get());
    }
}
