package io.loomtunnel.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Slow visitors (issue 11, finding 3) over real sockets: request bodies sent a byte at a time,
 * responses read a little at a time or not at all. None may hold the app's workers or the
 * tunnel's streams for longer than the body and send limits allow, and legitimate visitors get
 * through while they try.
 */
@Timeout(120)
class HttpSlowVisitorTest {
    /** Like the app of the report: 50 workers, 60 slow visitors. */
    private static final int APP_WORKERS = 50;
    private static final int SLOW_VISITORS = 60;
    /** The tunnel's stream limit in the slow-read test, one stream per slow reader. */
    private static final int STREAMS = 6;
    private static final int BIG = 32_000_000;
    private static IngressFixture fixture;
    private static HttpServer workers;
    private static HttpServer big;
    private static LimitedRoute slowRoute;
    private static LimitedRoute legitRoute;
    private static LimitedRoute bigRoute;

    /**
     * Body and send timeouts short enough for a test yet generous for a loaded machine, a minimum
     * rate of 16 KiB/s (four times what the slow visitors manage), 64 KiB read before the app is contacted.
     */
    static HttpIngressConfig config() {
        return new HttpIngressConfig(Duration.ofSeconds(5), 32 * 1024, Duration.ofSeconds(60), 64 * 1024,
                Duration.ofSeconds(2), Duration.ofSeconds(4), 16 * 1024, Duration.ofSeconds(3), 256, "http");
    }

    @BeforeAll
    static void start() throws Exception {
        workers = TestApps.start("workers", APP_WORKERS);
        big = TestApps.start("big");
        slowRoute = new LimitedRoute("slow", workers.getAddress(), 10_000);
        legitRoute = new LimitedRoute("legit", workers.getAddress(), 10_000);
        bigRoute = new LimitedRoute("big", big.getAddress(), STREAMS);
        fixture = new IngressFixture(config(), Map.of("slow.test", slowRoute, "legit.test", legitRoute, "big.test", bigRoute));
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
        workers.stop(0);
        big.stop(0);
    }

    @Test
    void slowPostsNeverReachTheAppAndEndIn408WhileLegitimateRequestsPass() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(SLOW_VISITORS);
        List<Future<Integer>> slow = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < SLOW_VISITORS; i++) {
                slow.add(pool.submit(() -> slowPost(1_000, 0, 250, started, stop)));
            }
            assertTrue(started.await(20, TimeUnit.SECONDS), "every slow visitor sent its head");
            Thread.sleep(500); // their first body bytes are in
            for (int i = 0; i < 5; i++) {
                try (RawClient raw = new RawClient(fixture.port())) {
                    RawClient.Response r = raw.send("POST /echo HTTP/1.1\r\nHost: legit.test\r\nContent-Length: 5\r\n\r\nhello")
                            .read();
                    assertEquals(200, r.status(), "a legitimate request while " + SLOW_VISITORS + " slow posts run: " + r.text());
                }
            }
            assertEquals(0, slowRoute.opened.get(), "the app was contacted for a body still trickling in");
            for (Future<Integer> f : slow) {
                assertEquals(408, f.get(30, TimeUnit.SECONDS), "a slow post ends in 408");
            }
        } finally {
            stop.set(true);
        }
        assertEquals(0, slowRoute.opened.get(), "no slow post ever reached the app");
    }

    @Test
    void aLargeBodyTricklingAfterTheBufferIsCutAtTheMinimumRate() throws Exception {
        long start = System.nanoTime();
        int status = slowPost(300_000, 100_000, 100, new CountDownLatch(1), new AtomicBoolean());
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(408, status);
        assertTrue(ms < 15_000, "cut after " + ms + " ms");
        assertTrue(waitFor(() -> slowRoute.live.get() == 0, 10_000), "the app's stream was given back");
    }

    /**
     * Sends a POST head for a body of {@code length} bytes, {@code fast} of them at once, then one
     * byte every {@code pauseMs} until the ingress answers or closes (or 20 s, or {@code stop});
     * returns the status it answered.
     */
    private static int slowPost(int length, int fast, int pauseMs, CountDownLatch started, AtomicBoolean stop)
            throws Exception {
        try (RawClient raw = new RawClient(fixture.port())) {
            raw.send("POST /echo HTTP/1.1\r\nHost: slow.test\r\nContent-Length: " + length + "\r\n\r\n");
            raw.send(new byte[fast]);
            started.countDown();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            for (int sent = fast; sent < length && !stop.get() && System.nanoTime() < end && !raw.responded(); sent++) {
                try {
                    raw.send("x");
                } catch (IOException closed) {
                    break;
                }
                Thread.sleep(pauseMs);
            }
            return raw.read().status();
        }
    }

    @Test
    void slowReadersLoseTheirStreamsAndLegitimateDownloadsGetThrough() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<Socket> readers = new ArrayList<>();
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            for (int i = 0; i < STREAMS; i++) {
                Socket s = new Socket();
                readers.add(s);
                s.setReceiveBufferSize(4096);
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), fixture.port()), 5_000);
                s.getOutputStream().write(("GET /fixed?n=" + BIG + " HTTP/1.1\r\nHost: big.test\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                if (i % 2 == 1) {
                    pool.submit(() -> readSlowly(s, stop)); // 1 KiB every 250 ms; the others read nothing
                }
            }
            assertTrue(waitFor(() -> bigRoute.live.get() == STREAMS, 10_000), "every slow reader holds a stream");

            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            int status = 0;
            while (status != 200 && System.nanoTime() < end) {
                try (RawClient raw = new RawClient(fixture.port())) {
                    RawClient.Response r = raw.send("GET /fixed?n=4000000 HTTP/1.1\r\nHost: big.test\r\n\r\n").read();
                    status = r.status();
                    if (status == 200) {
                        assertEquals(TestApps.sha256Hex(TestApps.content(4_000_000)), TestApps.sha256Hex(r.body()));
                    }
                }
                if (status != 200) {
                    Thread.sleep(200); // 502 while the slow readers hold every stream
                }
            }
            assertEquals(200, status, "a legitimate download while slow readers hold their connections");
            assertTrue(waitFor(() -> bigRoute.live.get() == 0, 20_000), "every slow reader lost its stream");
            assertTrue(readers.stream().noneMatch(Socket::isClosed), "the slow readers never closed");
        } finally {
            stop.set(true);
            for (Socket s : readers) {
                s.close(); // wakes the slow readers' reads
            }
            pool.close();
        }
    }

    private static Void readSlowly(Socket s, AtomicBoolean stop) throws Exception {
        InputStream in = s.getInputStream();
        byte[] buf = new byte[1024];
        while (!stop.get() && in.read(buf) >= 0) {
            Thread.sleep(250);
        }
        return null;
    }

    @Test
    void anUpgradedVisitorThatStopsReadingIsClosed() throws Exception {
        try (RawClient raw = new RawClient(fixture.port())) {
            raw.send("GET /chat HTTP/1.1\r\nHost: ws.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
            assertEquals(101, raw.read(true).status());
            // the app echoes everything; this visitor never reads, so the echo backs up to the ingress
            OutputStream out = raw.socket.getOutputStream();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                Future<Boolean> writer = pool.submit(() -> {
                    byte[] chunk = new byte[64 * 1024];
                    for (int i = 0; i < 2_000; i++) { // 128 MiB at most
                        try {
                            out.write(chunk);
                        } catch (IOException closed) {
                            return true;
                        }
                    }
                    return false;
                });
                try {
                    assertTrue(writer.get(40, TimeUnit.SECONDS), "the ingress closed a visitor that does not read");
                } finally {
                    raw.close(); // wakes a writer still blocked
                }
            }
        }
    }

    private static boolean waitFor(BooleanSupplier condition, long ms) throws InterruptedException {
        long end = System.nanoTime() + ms * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    @Test
    void aFastVisitorIsNotCut() throws Exception {
        try (RawClient raw = new RawClient(fixture.port())) {
            RawClient.Response r = raw.send("GET /fixed?n=" + BIG + " HTTP/1.1\r\nHost: big.test\r\n\r\n").read();
            assertEquals(200, r.status());
            assertEquals(BIG, r.body().length);
        }
    }
}
