package io.loomtunnel.internal.http;

import static io.loomtunnel.internal.http.RawH2.get;
import static io.loomtunnel.internal.http.RawH2.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.loomtunnel.internal.h2.Frame;
import io.loomtunnel.internal.h2.FrameReader;
import io.loomtunnel.internal.h2.Frames;
import io.loomtunnel.internal.tunnel.Probes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Streams on one HTTP/2 connection, served by an {@link H2Connection} on a loopback socket whose
 * writes the test records: the streams borrow their buffers from the connection's pool, which
 * allocates no more sets than were busy at once and keeps at most its bound; every response is the
 * right one through the reused buffers; and a small response leaves as HEADERS then its one DATA
 * (END_STREAM) in a single socket write.
 */
@Timeout(60)
class H2ConnectionStreamsTest {
    private static final HttpIngressConfig CONFIG = HttpIngressConfig.defaults();
    private static HttpServer app;
    private static HttpRouter router;

    @BeforeAll
    static void start() throws IOException {
        app = TestApps.start("alpha");
        HttpRoute alpha = IngressFixture.route("alpha", app.getAddress());
        router = host -> host.equals("alpha.test") ? alpha : null;
    }

    @AfterAll
    static void stop() {
        app.stop(0);
    }

    @Test
    void poolTakesIdleSetsFirstAndKeepsAtMostItsBound() {
        H2StreamBuffers.Pool pool = new H2StreamBuffers.Pool(1024, 2);
        List<H2StreamBuffers> taken = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            taken.add(pool.take());
        }
        assertEquals(3, pool.made());
        taken.forEach(pool::give);
        assertEquals(2, pool.idle()); // the third is dropped
        H2StreamBuffers again = pool.take();
        assertTrue(again == taken.get(2) || again == taken.get(1), "an idle set is lent again");
        assertEquals(3, pool.made());
        assertEquals(1024, again.relayHead().length);
    }

    @Test
    void manyStreamsOnOneConnectionReuseABoundedSetOfBuffers() throws Exception {
        try (Served c = new Served()) {
            int id = 1;
            for (int i = 0; i < 40; i++, id += 2) { // one at a time: one set, lent again and again
                c.client.headers(id, true, get("alpha.test", "/echo?stream=" + id));
                assertAnswered(c.client.untilAll(List.of(id)), "GET");
                awaitAllBack(c.pool);
            }
            assertEquals(1, c.pool.made());
            int busy = H2Connection.IDLE_STREAM_BUFFERS;
            for (int round = 0; round < 10; round++) { // the bound's worth at once, GETs and POSTs with bodies
                List<Integer> ids = new ArrayList<>();
                for (int k = 0; k < busy; k++, id += 2) {
                    ids.add(id);
                    if (k % 2 == 0) {
                        c.client.headers(id, true, get("alpha.test", "/echo?stream=" + id));
                    } else {
                        c.client.headers(id, false, post("alpha.test", "/echo?stream=" + id));
                        c.client.data(id, "body of " + id, true);
                    }
                }
                assertAnswered(c.client.untilAll(ids), null);
                awaitAllBack(c.pool);
            }
            // a stream that ended before the last of its round began lent its set again: at most as many as were busy at once
            assertTrue(c.pool.made() <= busy, "sets allocated: " + c.pool.made());
            List<Integer> burst = new ArrayList<>();
            long before = c.pool.made();
            for (int k = 0; k < 2 * busy; k++, id += 2) { // more at once than the pool keeps: each waits for its body
                burst.add(id);
                c.client.headers(id, false, post("alpha.test", "/echo?stream=" + id));
            }
            for (int stream : burst) {
                c.client.data(stream, "body of " + stream, true);
            }
            assertAnswered(c.client.untilAll(burst), "POST");
            awaitAllBack(c.pool); // the bound's worth kept, the others dropped as they come back
            assertEquals(2 * busy, c.pool.made(), "made: the " + before + " idle ones lent, the others new");
            assertEquals(busy, c.pool.idle());

            // the watchdog's trim: nothing while the last stream ended recently, one set kept once idle for a while
            c.connection.trimIdleBuffers(System.nanoTime());
            assertEquals(busy, c.pool.idle(), "a page's next burst still finds its sets");
            c.connection.trimIdleBuffers(System.nanoTime() + 2 * H2Connection.SPARE_BUFFERS_NANOS);
            assertEquals(1, c.pool.idle(), "an idle connection keeps one set for its next request");
            c.client.headers(id, true, get("alpha.test", "/echo?stream=" + id));
            assertAnswered(c.client.untilAll(List.of(id)), "GET");
            assertEquals(2 * busy, c.pool.made(), "the kept set served the next request");
        }
    }

    @Test
    void aSmallResponseLeavesAsHeadersAndItsOneDataInOneWrite() throws Exception {
        try (Served c = new Served()) {
            c.client.headers(1, true, get("alpha.test", "/fixed?n=64"));
            List<String> frames = c.client.until(1);
            assertEquals(2, frames.size(), frames.toString());
            assertTrue(frames.get(0).startsWith("HEADERS 1 :status=200"), frames.toString());
            assertEquals(64, frames.get(1).length(), frames.toString());
            List<Frame> write = c.writeWithHeadersOf(1);
            assertEquals(List.of("HEADERS 1 END_HEADERS", "DATA 1 64 END_STREAM"),
                    write.stream().filter(f -> f.stream() == 1).map(H2ConnectionStreamsTest::shape).toList());
        }
    }

    @Test
    void aVisitorThatGaveNoWindowGetsItsHeadersAtOnceAndItsDataWhenItGivesSome() throws Exception {
        try (Served c = new Served(0x4, 0)) { // SETTINGS_INITIAL_WINDOW_SIZE 0: no DATA may come before a WINDOW_UPDATE
            c.client.headers(1, true, get("alpha.test", "/fixed?n=64"));
            String headers = c.client.nextOf(1);
            assertTrue(headers.startsWith("HEADERS 1 :status=200"), headers);
            c.client.out.write(Frames.windowUpdate(1, 64));
            assertEquals(64, c.client.nextOf(1).length());
        }
    }

    /** Each stream's frames: HEADERS 200, then its own echo (its path; the method when given). */
    private static void assertAnswered(Map<Integer, List<String>> byStream, String method) {
        byStream.forEach((id, frames) -> {
            assertTrue(frames.size() >= 2 && frames.get(0).startsWith("HEADERS " + id + " :status=200"), id + ": " + frames);
            String body = String.join("", frames.subList(1, frames.size()));
            assertTrue(body.contains("path=/echo?stream=" + id + "\n"), id + ": " + body);
            if (method != null) {
                assertTrue(body.contains("method=" + method + "\n"), id + ": " + body);
            } else if (body.contains("method=POST")) {
                assertTrue(body.contains("length=" + ("body of " + id).length() + "\n"), id + ": " + body);
            }
        });
    }

    /**
     * Waits until every set made is back (or the bound's worth): a set goes back once both threads
     * of its stream have ended, a moment after the visitor has the response.
     */
    private static void awaitAllBack(H2StreamBuffers.Pool pool) throws InterruptedException {
        Probes.eventually(Duration.ofSeconds(10), () -> "every set back in the pool (" + pool.idle() + " of " + pool.made() + ")",
                () -> pool.idle() == Math.min(pool.made(), H2Connection.IDLE_STREAM_BUFFERS));
    }

    private static String shape(Frame f) {
        String type = f.type() == Frame.HEADERS ? "HEADERS" : f.type() == Frame.DATA ? "DATA" : "type " + f.type();
        return type + " " + f.stream() + (f.type() == Frame.DATA ? " " + f.payload().length : "")
                + (f.has(Frame.END_HEADERS) && f.type() == Frame.HEADERS ? " END_HEADERS" : "")
                + (f.has(Frame.END_STREAM) ? " END_STREAM" : "");
    }

    /** An H2Connection on the accepting side of a loopback connection, with its own pool; the socket writes it makes are recorded. */
    private static final class Served implements AutoCloseable {
        final H2StreamBuffers.Pool pool = new H2StreamBuffers.Pool(CONFIG.maxHeadBytes(), H2Connection.IDLE_STREAM_BUFFERS);
        final RawH2 client;
        final H2Connection connection;
        private final List<byte[]> writes = new CopyOnWriteArrayList<>();
        private final Thread serving;

        /** {@code settings}: the client's, as identifier and value pairs. */
        Served(int... settings) throws IOException {
            Socket accepted;
            try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                client = new RawH2(listener.getLocalPort(), settings);
                accepted = listener.accept();
            }
            Socket recorded = new RecordingSocket(accepted, writes);
            BufferedInput in = new BufferedInput(accepted.getInputStream(),
                    t -> accepted.setSoTimeout((int) Math.min(Integer.MAX_VALUE, t.toMillis())), CONFIG.maxHeadBytes());
            VisitorOutput out = new VisitorOutput(recorded, new Pace(CONFIG.sendTimeout(), CONFIG.minBodyRate()), 16 * 1024);
            connection = new H2Connection(recorded, in, out, router, CONFIG, new IngressLog(line -> { }, System::nanoTime),
                    "127.0.0.1", pool);
            serving = Thread.ofVirtual().name("h2 connection under test").start(() -> {
                try {
                    connection.serve(false);
                } catch (IOException e) {
                    // the client closed
                }
            });
        }

        /** The frames of the first socket write that holds a HEADERS frame of {@code stream}. */
        List<Frame> writeWithHeadersOf(int stream) throws IOException {
            for (byte[] w : writes) {
                List<Frame> frames = new ArrayList<>();
                FrameReader r = new FrameReader(new ByteArrayInputStream(w), 1 << 20);
                try {
                    for (Frame f; (f = r.read()) != null; ) {
                        frames.add(f);
                    }
                } catch (IOException notWholeFrames) {
                    continue; // a write that is not whole frames (none should be), or the preface's answer
                }
                if (frames.stream().anyMatch(f -> f.type() == Frame.HEADERS && f.stream() == stream)) {
                    return frames;
                }
            }
            throw new AssertionError("no write with the HEADERS of stream " + stream + " among " + writes.size());
        }

        @Override
        public void close() throws IOException {
            client.close();
            try {
                serving.join(java.time.Duration.ofSeconds(20));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The accepted socket, but each write through its output is also kept, as one array. */
    private static final class RecordingSocket extends Socket {
        private final Socket socket;
        private final OutputStream out;

        RecordingSocket(Socket socket, List<byte[]> writes) throws IOException {
            super((java.net.SocketImpl) null);
            this.socket = socket;
            OutputStream real = socket.getOutputStream();
            this.out = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    writes.add(Arrays.copyOfRange(b, off, off + len));
                    real.write(b, off, len);
                }
            };
        }

        @Override
        public InputStream getInputStream() throws IOException {
            return socket.getInputStream();
        }

        @Override
        public OutputStream getOutputStream() {
            return out;
        }

        @Override
        public SocketAddress getRemoteSocketAddress() {
            return socket.getRemoteSocketAddress();
        }

        @Override
        public void setSoTimeout(int timeout) throws java.net.SocketException {
            socket.setSoTimeout(timeout);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }

        @Override
        public boolean isClosed() {
            return socket.isClosed();
        }
    }
}
