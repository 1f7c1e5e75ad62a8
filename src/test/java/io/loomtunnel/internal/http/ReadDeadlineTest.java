package io.loomtunnel.internal.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ReadDeadline over a real loopback socket, the watchdog played by the test calling expire. */
class ReadDeadlineTest {
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
        ReadDeadline deadline = new ReadDeadline(this::shutdownNearInput);
        deadline.set(Duration.ofMillis(50));
        InputStream in = deadline.guard(near.getInputStream());
        CompletableFuture<Throwable> read = CompletableFuture.supplyAsync(() -> failureOf(in));

        assertFalse(deadline.expire(System.nanoTime()), "a deadline 50 ms away has not passed");
        long late = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        assertTrue(eventuallyExpires(deadline, late), "the read in progress is past its deadline a second on");
        assertTrue(read.get(10, TimeUnit.SECONDS) instanceof SocketTimeoutException, "the blocked read ends as a timeout");
        assertEquals(0, near.getSoTimeout(), "the socket itself never had a read timeout");

        near.getOutputStream().write("408".getBytes());
        assertArrayEquals("408".getBytes(), far.getInputStream().readNBytes(3), "the output stays open for an error page");
        assertThrows(SocketTimeoutException.class, () -> in.read(new byte[1]), "an expired source stays dead");
    }

    @Test
    void eachReadGetsTheWholeTimeoutAndNoReadMeansNoDeadline() throws Exception {
        ReadDeadline deadline = new ReadDeadline(() -> { throw new AssertionError("aborted"); });
        deadline.set(Duration.ofMillis(100));
        InputStream in = deadline.guard(near.getInputStream());
        long farFuture = System.nanoTime() + Duration.ofHours(1).toNanos();
        assertFalse(deadline.expire(farFuture), "between reads nothing expires, however late");

        for (int i = 0; i < 3; i++) { // three reads, each answered within its own timeout
            far.getOutputStream().write(i);
            assertEquals(i, in.read());
            Thread.sleep(60);
        }
        assertFalse(deadline.expire(farFuture), "a finished read leaves no deadline behind");

        deadline.set(Duration.ZERO);
        CompletableFuture<Integer> untimed = CompletableFuture.supplyAsync(() -> {
            try {
                return in.read();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        Thread.sleep(100);
        assertFalse(deadline.expire(farFuture), "a zero timeout waits for ever");
        far.getOutputStream().write(42);
        assertEquals(42, untimed.get(10, TimeUnit.SECONDS));
    }

    @Test
    void theNextSourceStartsUnexpiredAndThePeersEndIsNoTimeout() throws Exception {
        ReadDeadline deadline = new ReadDeadline(this::shutdownNearInput);
        deadline.set(Duration.ofMillis(20));
        InputStream first = deadline.guard(new ByteArrayInputStream(new byte[0]) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                assertTrue(deadline.expire(System.nanoTime() + Duration.ofSeconds(1).toNanos()));
                return -1;
            }
        });
        assertThrows(SocketTimeoutException.class, () -> first.read(new byte[1]), "expired during the read");

        InputStream second = deadline.guard(far.getInputStream());
        near.shutdownOutput();
        assertEquals(-1, second.read(new byte[1]), "the peer's end of stream is an end, not a timeout");
    }

    private boolean eventuallyExpires(ReadDeadline deadline, long nowNanos) throws InterruptedException {
        for (int i = 0; i < 200; i++) { // the read may not have started yet
            if (deadline.expire(nowNanos)) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
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
