package io.loomtunnel.internal.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.internal.inspect.Inspector;
import io.loomtunnel.internal.metrics.EndpointMetrics;
import io.loomtunnel.observe.ObserveSettings;
import io.loomtunnel.observe.Status;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The admin endpoint's /api/requests routes: answered by a client's inspector, behind the same guard as every path. */
@Timeout(60)
class AdminRequestsRouteTest {
    private static final String JSON_TYPE = "application/json";
    private final RecordingTarget recording = new RecordingTarget();
    private final Inspector inspector = new Inspector(Inspector.Config.defaults(), name -> null);
    private AdminServer admin;

    @AfterEach
    void stop() {
        if (admin != null) {
            admin.close();
        }
        inspector.close();
        recording.close();
    }

    private InetSocketAddress start(AdminTarget target, String token) throws Exception {
        admin = AdminServer.start(ObserveSettings.builder().adminBind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .adminToken(token).build(), target, line -> { });
        return admin.address();
    }

    /** The recording target with an inspector. */
    private AdminTarget client() {
        return new AdminTarget() {
            @Override
            public Status status() {
                return recording.status();
            }

            @Override
            public EndpointMetrics metrics() {
                return recording.metrics();
            }

            @Override
            public Inspector inspector() {
                return inspector;
            }
        };
    }

    @Test
    void aClientsInspectorAnswersBehindTheGuard() throws Exception {
        InetSocketAddress a = start(client(), "tok");
        assertEquals(401, RawHttp.to(a).get("/api/requests").status(), "the token is needed as for every path");
        RawHttp.Reply list = RawHttp.to(a).header("Authorization", "Bearer tok").get("/api/requests?limit=5");
        assertEquals(200, list.status(), list.body());
        assertEquals("{\"requests\":[]}", list.body());
        assertTrue(list.headers().stream().anyMatch(h -> h.equalsIgnoreCase("X-Content-Type-Options: nosniff")), list.headers().toString());
        assertEquals(415, RawHttp.to(a).header("Authorization", "Bearer tok").send("DELETE", "/api/requests", "").status(),
                "a change needs JSON");
        RawHttp.Reply cleared = RawHttp.to(a).header("Authorization", "Bearer tok").header("Content-Type", JSON_TYPE)
                .send("DELETE", "/api/requests", "");
        assertEquals("{\"cleared\":0}", cleared.body());
        RawHttp.Reply missing = RawHttp.to(a).header("Authorization", "Bearer tok").get("/api/requests/r1");
        assertEquals(404, missing.status());
        assertTrue(missing.body().startsWith("{\"error\":\"no request r1 here"), missing.body());
    }

    @Test
    void withoutAnInspectorTheRoutesSaySoInOneLine() throws Exception {
        InetSocketAddress a = start(recording, null);
        RawHttp.Reply r = RawHttp.to(a).get("/api/requests");
        assertEquals(404, r.status());
        assertEquals("{\"error\":\"no request inspector here: it runs in a client with http tunnels\"}", r.body());
    }
}
