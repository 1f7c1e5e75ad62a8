package io.loomtunnel.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.loomtunnel.client.ClientSettings;
import io.loomtunnel.internal.net.HostPort;
import io.loomtunnel.tls.Identity;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Where a client's dashboard goes: 127.0.0.1:4040 then any free port by default, nowhere with --no-dashboard, an admin address given wins. */
class DashboardOptionsTest {
    private static ClientSettings.Builder client() {
        return ClientSettings.builder(HostPort.parse("127.0.0.1:7835"), Identity.generate().id()).token("t");
    }

    @Test
    void byDefault4040ThenAnyFreePortOnLoopback() {
        DashboardOptions.Choice c = new DashboardOptions().apply(client());
        assertEquals(new InetSocketAddress("127.0.0.1", 4040), c.settings().observe().adminBind());
        assertEquals(new InetSocketAddress("127.0.0.1", 0), c.fallback().observe().adminBind());
        assertEquals("dashboard: http://127.0.0.1:4041/", DashboardOptions.line(new InetSocketAddress("127.0.0.1", 4041)));
    }

    @Test
    void offOrGivenElsewhereHasNoFallback() {
        DashboardOptions off = new DashboardOptions();
        off.off = true;
        DashboardOptions.Choice none = off.apply(client());
        assertNull(none.settings().observe().adminBind());
        assertNull(none.fallback());

        ClientSettings.Builder b = client();
        b.observe().adminBind(HostPort.parseBind("127.0.0.1:9090"));
        DashboardOptions.Choice given = new DashboardOptions().apply(b);
        assertEquals(9090, given.settings().observe().adminBind().getPort());
        assertNull(given.fallback(), "--admin-bind wins, and a taken port is an error there");
    }
}
