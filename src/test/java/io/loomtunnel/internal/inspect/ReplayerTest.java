package io.loomtunnel.internal.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.loomtunnel.internal.tunnel.Probes;
import io.loomtunnel.internal.tunnel.SpliceTap;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Replays to a real local app over loopback: the app receives the request again, edited or not, and the replay is captured. */
class ReplayerTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final List<String> received = new CopyOnWriteArrayList<>();
    private HttpServer app;
    private Inspector inspector;

    @BeforeEach
    void start() throws IOException {
        app = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        app.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        app.createContext("/", x -> {
            String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(x.getRequestMethod() + " " + x.getRequestURI() + " auth=" + x.getRequestHeaders().getFirst("Authorization")
                    + " body=" + body);
            byte[] answer = ("got " + body).getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(201, answer.length);
            x.getResponseBody().write(answer);
            x.close();
        });
        app.start();
        InetSocketAddress service = InetSocketAddress.createUnresolved("127.0.0.1", app.getAddress().getPort());
        inspector = new Inspector(new Inspector.Config(true, Set.of(), 8, false, 100, 1 << 20),
                name -> name.equals("web") ? service : null);
    }

    @AfterEach
    void stop() {
        inspector.close();
        app.stop(0);
    }

    private String captured(String request) {
        SpliceTap tap = inspector.tap("web");
        byte[] b = request.getBytes(StandardCharsets.UTF_8);
        tap.toService(b, 0, b.length);
        byte[] r = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        tap.fromService(r, 0, r.length);
        return inspector.store().newestFirst().get(0).id;
    }

    private InspectorApi.Reply replay(String id, String edits) {
        return inspector.api().handle("POST", "/api/requests/" + id + "/replay", null, edits.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theAppReceivesTheRequestAgainAndTheReplayIsCaptured() throws Exception {
        String id = captured("POST /x?y=1 HTTP/1.1\r\nHost: web\r\nAuthorization: Bearer t0ken\r\nContent-Length: 5\r\n\r\nhello");
        InspectorApi.Reply r = replay(id, "");
        assertEquals(200, r.status(), String.valueOf(r.body()));
        String replayId = (String) ((Map<?, ?>) r.body()).get("id");
        Probes.eventually(WAIT, "the app got the replay", () -> received.size() == 1);
        assertEquals("POST /x?y=1 auth=Bearer t0ken body=hello", received.get(0), "the captured credentials are sent, not the mask");
        Probes.eventually(WAIT, "the replay is done", () -> !inspector.store().get(replayId).isOpen());
        ExchangeSummary s = ExchangeSummary.of(inspector.store().get(replayId).snapshot(false));
        assertEquals(id, s.replayOf());
        assertEquals(201, s.status());
        assertEquals("done", s.state());
    }

    @Test
    void editsChangeMethodPathHeadersAndBody() throws Exception {
        String id = captured("POST /x HTTP/1.1\r\nHost: web\r\nAuthorization: Bearer t0ken\r\nContent-Length: 2\r\n\r\nhi");
        InspectorApi.Reply r = replay(id, "{\"method\":\"PUT\",\"path\":\"/other\",\"headers\":[[\"Host\",\"web\"],"
                + "[\"Authorization\",\"" + HeaderMask.MASKED + "\"]],\"body\":\"edited body\"}");
        assertEquals(200, r.status(), String.valueOf(r.body()));
        Probes.eventually(WAIT, "the app got the replay", () -> received.size() == 1);
        assertEquals("PUT /other auth=Bearer t0ken body=edited body", received.get(0), "a masked value stands for the captured one");
    }

    @Test
    void aTruncatedBodyIsNotReplayedUnlessABodyIsGiven() throws Exception {
        String id = captured("POST /big HTTP/1.1\r\nContent-Length: 20\r\n\r\n01234567890123456789");
        InspectorApi.Reply r = replay(id, "");
        assertEquals(409, r.status());
        assertEquals(Map.of("error", "the request body was captured only in part (8 of 20 bytes): give a body to replay it"), r.body());
        assertEquals(200, replay(id, "{\"body\":\"short\"}").status());
        Probes.eventually(WAIT, "the app got the replay", () -> received.size() == 1);
        assertEquals("POST /big auth=null body=short", received.get(0));
    }

    @Test
    void badEditsAndGoneTunnelsAreRefusedInOneLine() {
        String id = captured("GET / HTTP/1.1\r\n\r\n");
        assertEquals(400, replay(id, "{\"method\":\"G E T\"}").status());
        assertEquals(400, replay(id, "{\"path\":\"/a b\"}").status());
        assertEquals(400, replay(id, "{\"headers\":[[\"X\",\"a\\r\\nInjected: 1\"]]}").status());
        assertEquals(400, replay(id, "[1]").status());
        assertEquals(404, replay("r999", "").status());
        assertTrue(received.isEmpty());
    }

    @Test
    void anUnreachableServiceFailsTheReplayWithTheReason() throws Exception {
        String id = captured("GET / HTTP/1.1\r\n\r\n");
        app.stop(0);
        InspectorApi.Reply r = replay(id, "");
        String replayId = (String) ((Map<?, ?>) r.body()).get("id");
        Probes.eventually(WAIT, "the replay failed", () -> !inspector.store().get(replayId).isOpen());
        Exchange.Snapshot s = inspector.store().get(replayId).snapshot(false);
        assertEquals(Exchange.State.FAILED, s.state());
        assertTrue(s.note().startsWith("replay: "), s.note());
    }
}
