package io.loomtunnel.internal.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ReadDeadline over a real loopback socket, the watchdog played by the test calling expire. */
class ReadDeadlineTest {
    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    private ServerSocket listener;
    private Socket near;
    private Socket far;

    @BeforeEach
    void connect() throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        near = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        far = listener.accept();
    }

    @AfterEach
    void close() throws IOException {
        near.close();
        far.close();
        listener.close();
    }

    @Test
    void aReadPastItsDeadlineEndsAsATimeoutAndTheSocketCanStillSend() throws Exception {
        ReadDeadline deadline = new ReadDeadline();
        deadline.set(Duration.ofMillis(50));
        Started started = new Started(near.getInputStream());
        InputStream in = deadline.guard(started, this::shutdownNearInput);
        long before = System.nanoTime();
        CompletableFuture<Throwable> read = CompletableFuture.supplyAsync(() -> failureOf(in));
        started.await();

        assertFalse(deadline.expire(before), "a deadline 50 ms after the read began has not passed when it began");
        assertTrue(deadline.expire(System.nanoTime() + SECOND), "the read in progress is past its deadline a second on");
        assertTrue(read.get(10, TimeUnit.SECONDS) instanceof SocketTimeoutException, "the blocked read ends as a timeout");
        assertEquals(0, near.getSoTimeout(), "the socket itself never had a read timeout");

        near.getOutputStream().write("408".getBytes());
        assertArrayEquals("408".getBytes(), far.getInputStream().readNBytes(3), "the output stays open for an error page");
        assertThrows(SocketTimeoutException.class, () -> in.read(new byte[1]), "an expired source stays dead");
    }

    @Test
    void eachReadGetsTheWholeTimeoutFromItsOwnStart() throws Exception {
        ReadDeadline deadline = new ReadDeadline();
        deadline.set(Duration.ofMillis(200));
        AtomicInteger aborts = new AtomicInteger();
        Started started = new Started(near.getInputStream());
        InputStream in = deadline.guard(started, () -> {
            aborts.incrementAndGet();
            shutdownNearInput();
        });
        long farFuture = System.nanoTime() + Duration.ofHours(1).toNanos();
        assertFalse(deadline.expire(farFuture), "between reads nothing expires, however late");

        for (int i = 0; i < 3; i++) { // reads answered within their timeout
            far.getOutputStream().write(i);
            assertEquals(i, in.read());
        }
        assertFalse(deadline.expire(farFuture), "a finished read leaves no deadline behind");
        Thread.sleep(300); // time passing is what is tested: longer than the timeout, so a deadline fixed when set would be over

        long start = System.nanoTime();
        started.again();
        CompletableFuture<Throwable> fourth = CompletableFuture.supplyAsync(() -> failureOf(in));
        started.await();
        assertFalse(deadline.expire(start + Duration.ofMillis(150).toNanos()),
                "150 ms after the fourth read began, its 200 ms are not over (the timeout was set over 300 ms before)");
        assertTrue(deadline.expire(System.nanoTime() + SECOND), "its own 200 ms are");
        assertTrue(fourth.get(10, TimeUnit.SECONDS) instanceof SocketTimeoutException);
        assertEquals(1, aborts.get());
    }

    @Test
    void aZeroTimeoutWaitsForEver() throws Exception {
        ReadDeadline deadline = new ReadDeadline();
        deadline.set(Duration.ZERO);
        Started started = new Started(near.getInputStream());
        InputStream in = deadline.guard(started, () -> { throw new AssertionError("aborted"); });
        CompletableFuture<Integer> untimed = CompletableFuture.supplyAsync(() -> {
            try {
                return in.read();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        started.await();
        assertFalse(deadline.expire(System.nanoTime() + Duration.ofHours(1).toNanos()));
        far.getOutputStream().write(42);
        assertEquals(42, untimed.get(10, TimeUnit.SECONDS));
    }

    @Test
    void anExpiryTouchesOnlyTheSourceItWasArmedForAndWinsOverALateAnswer() throws Exception {
        ReadDeadline deadline = new ReadDeadline();
        deadline.set(Duration.ofMillis(20));
        AtomicInteger firstAborts = new AtomicInteger();
        // the watchdog claims the read while it is in progress, and then the bytes come anyway
        InputStream first = deadline.guard(new ByteArrayInputStream(new byte[] {7}) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                assertTrue(deadline.expire(System.nanoTime() + SECOND));
                return super.read(b, off, len);
            }
        }, firstAborts::incrementAndGet);
        assertThrows(SocketTimeoutException.class, () -> first.read(new byte[1]), "claimed by the watchdog: its answer is dropped");
        assertEquals(1, firstAborts.get());

        InputStream second = deadline.guard(far.getInputStream(), () -> { throw new AssertionError("the next source aborted"); });
        assertFalse(deadline.expire(System.nanoTime() + SECOND), "the next source, not reading, has no deadline");
        near.shutdownOutput();
        assertEquals(-1, second.read(new byte[1]), "the peer's end of stream is an end, not a timeout");
        assertEquals(1, firstAborts.get(), "the first source was aborted once");
    }

    /** An input that says when a read of it has begun (the guarded read is then armed and waiting). */
    private static final class Started extends FilterInputStream {
        private volatile CountDownLatch begun = new CountDownLatch(1);

        Started(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            begun.countDown();
            return super.read(b, off, len);
        }

        void await() throws InterruptedException {
            assertTrue(begun.await(10, TimeUnit.SECONDS), "the read began");
        }

        /** For the next read. */
        void again() {
            begun = new CountDownLatch(1);
        }
    }

    private void shutdownNearInput() {
        try {
            near.shutdownInput();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Throwable failureOf(InputStream in) {
        try {
            return new AssertionError("read returned " + in.read(new byte[16]));
        } catch (IOException e) {
            return e;
        }
    }
}
