package io.loomtunnel.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One source flooding the ingress (issue 11): with connections it leaves idle, which it may hold
 * only up to its per-source limit while other sources get through; and with requests the ingress
 * refuses, which the log sums up instead of writing a line each.
 */
@Timeout(120)
class HttpVisitorFloodTest {
    private static final int PER_SOURCE = 256;
    private static final int FLOOD = 300;
    private static final InetAddress ATTACKER = address("127.0.0.2");
    private static final InetAddress LOGGED = address("127.0.0.3");
    /** The ingress's loggers' parent, held here since java.util.logging keeps its loggers weakly. */
    private static final Logger HTTP_LOGS = Logger.getLogger("io.loomtunnel.internal.http");

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.INFO.intValue()) {
                lines.add(r.getMessage());
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private Level level;
    private boolean parents;
    private IngressFixture fixture;

    /** The ingress's defaults, but a head may take 30 s: the flood's idle connections stay open for the whole test. */
    static HttpIngressConfig config() {
        HttpIngressConfig d = HttpIngressConfig.defaults();
        return new HttpIngressConfig(Duration.ofSeconds(30), d.maxHeadBytes(), d.idleTimeout(), d.bodyBufferBytes(),
                d.bodyTimeout(), d.sendTimeout(), d.minBodyRate(), d.upstreamTimeout(), PER_SOURCE, d.scheme());
    }

    @BeforeEach
    void start() throws Exception {
        level = HTTP_LOGS.getLevel();
        parents = HTTP_LOGS.getUseParentHandlers();
        HTTP_LOGS.setLevel(Level.INFO);
        HTTP_LOGS.setUseParentHandlers(false);
        HTTP_LOGS.addHandler(capture);
        fixture = new IngressFixture(config());
    }

    @AfterEach
    void stop() throws Exception {
        try {
            fixture.close();
        } finally {
            HTTP_LOGS.removeHandler(capture);
            HTTP_LOGS.setUseParentHandlers(parents);
            HTTP_LOGS.setLevel(level);
        }
    }

    @Test
    void oneSourceHoldsAtMostItsLimitOfIdleConnectionsWhileOthersGetThrough() throws Exception {
        List<RawClient> flood = new ArrayList<>();
        try {
            for (int i = 0; i < FLOOD; i++) {
                flood.add(new RawClient(fixture.port(), ATTACKER));
            }
            List<Boolean> open = stillOpen(flood);
            assertEquals(PER_SOURCE, open.stream().filter(o -> o).count(), "idle connections the ingress keeps from one source");
            assertTrue(open.subList(0, PER_SOURCE).stream().allMatch(o -> o), "the first " + PER_SOURCE + " are the ones kept");

            for (int i = 0; i < 3; i++) {
                RawClient.Response r = fixture.send("GET /echo HTTP/1.1|Host: alpha.test|Connection: close||");
                assertEquals(200, r.status(), "another source while one holds its limit: " + r.text());
            }
            try (RawClient more = new RawClient(fixture.port(), ATTACKER)) {
                more.send("GET / HTTP/1.1\r\nHost: alpha.test\r\n\r\n");
                assertTrue(more.closedByPeer(), "one more connection from the source is closed unanswered");
            }

            for (RawClient c : flood.subList(0, 10)) {
                c.close();
            }
            assertEquals(200, eventually(() -> {
                try (RawClient again = new RawClient(fixture.port(), ATTACKER)) {
                    return again.send("GET /echo HTTP/1.1\r\nHost: alpha.test\r\nConnection: close\r\n\r\n").read().status();
                } catch (IOException closed) {
                    return -1;
                }
            }), "a source that closed some connections may open new ones");
        } finally {
            for (RawClient c : flood) {
                c.close();
            }
        }
        long said = lines.stream().filter(l -> l.contains(IngressLog.OVER_LIMIT)).count();
        assertEquals(1, said, "the refused connections are one line (and a summary at close): " + lines);
    }

    @Test
    void refusalsAndAppFailuresAreSummedUpNotLoggedPerRequest() throws Exception {
        int badCoding = 200;
        int perKind = 1_000;
        for (int i = 0; i < badCoding; i++) {
            try (RawClient c = new RawClient(fixture.port(), LOGGED)) {
                RawClient.Response r = c.send("POST / HTTP/1.1\r\nHost: alpha.test\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")
                        .read();
                assertEquals(501, r.status());
            }
        }
        try (RawClient c = new RawClient(fixture.port(), LOGGED)) {
            StringBuilder requests = new StringBuilder();
            for (int i = 0; i < perKind; i++) {
                requests.append("GET / HTTP/1.1\r\nHost: nobody").append(i).append(".test\r\n\r\n");
                requests.append("GET / HTTP/1.1\r\nHost: offline.test\r\n\r\n");
            }
            Future<RawClient> sent;
            try (ExecutorService sender = Executors.newVirtualThreadPerTaskExecutor()) {
                sent = sender.submit(() -> c.send(requests.toString())); // while the answers are read, so neither side waits
                for (int i = 0; i < perKind; i++) {
                    assertEquals(404, c.read().status());
                    assertEquals(502, c.read().status());
                }
            }
            sent.get();
        }
        assertEquals(200, fixture.send("GET /echo HTTP/1.1|Host: alpha.test|Connection: close||").status(), "a visitor meanwhile");
        List<String> during = List.copyOf(lines);
        assertTrue(during.size() <= 6, during.size() + " lines for " + (badCoding + 2 * perKind) + " refusals: "
                + during.subList(0, Math.min(10, during.size())));

        fixture.ingress.close(); // the summaries of what is still unsaid
        assertEquals(badCoding + 2 * perKind, told(lines), "every refusal is in a line or a summary: " + lines);
        assertTrue(lines.stream().anyMatch(l -> l.contains("501 unsupported transfer coding")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.contains("502 tunnel offline-tunnel cannot be opened")), lines.toString());
        assertTrue(lines.stream().noneMatch(l -> l.contains("nobody5.test")), "a visitor's host is on its own line only: " + lines);
    }

    /** Refusals the lines account for: one per line that starts with one, plus each summary's count. */
    private static int told(List<String> lines) {
        Pattern more = Pattern.compile("([\\d,]+) more refused since the line before");
        int n = 0;
        for (String l : lines) {
            if (l.startsWith("http ingress refused ")) {
                n++;
            }
            Matcher m = more.matcher(l);
            if (m.find()) {
                n += Integer.parseInt(m.group(1).replace(",", ""));
            }
        }
        return n;
    }

    /** For each connection, in parallel: true if the ingress still holds it open (a read waits), false if it closed it. */
    private static List<Boolean> stillOpen(List<RawClient> clients) throws Exception {
        List<Future<Boolean>> checks = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (RawClient c : clients) {
                checks.add(pool.submit(() -> {
                    c.socket.setSoTimeout(5_000);
                    try {
                        return c.input().read() >= 0;
                    } catch (SocketTimeoutException waiting) {
                        return true;
                    } catch (IOException reset) {
                        return false;
                    }
                }));
            }
            List<Boolean> open = new ArrayList<>();
            for (Future<Boolean> f : checks) {
                open.add(f.get(60, TimeUnit.SECONDS));
            }
            return open;
        }
    }

    private interface Attempt {
        int status() throws IOException;
    }

    /** The first 200 within 20 s, or the last status. */
    private static int eventually(Attempt attempt) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int status;
        do {
            status = attempt.status();
            if (status == 200) {
                return status;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < end);
        return status;
    }

    private static InetAddress address(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
