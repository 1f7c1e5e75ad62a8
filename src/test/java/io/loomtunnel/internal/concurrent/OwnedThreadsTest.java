package io.loomtunnel.internal.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class OwnedThreadsTest {

    @Test
    void namesThreadsAfterOwnerAndTask() throws Exception {
        try (OwnedThreads threads = new OwnedThreads("test owner")) {
            AtomicReference<String> name = new AtomicReference<>();
            threads.start("reader", () -> name.set(Thread.currentThread().getName())).get(10, TimeUnit.SECONDS);
            assertEquals("loomtunnel test owner: reader", name.get());
        }
    }

    @Test
    void closeWakesAThreadBlockedOnASocketReadAndJoinsIt() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                Socket accepted = server.accept()) {
            OwnedThreads threads = new OwnedThreads("socket owner");
            CountDownLatch reading = new CountDownLatch(1);
            threads.start("read", () -> {
                try (InputStream in = accepted.getInputStream()) {
                    reading.countDown();
                    in.read(); // the peer never writes
                } catch (Exception expected) {
                    // interrupted: the socket was closed under us
                }
            });
            assertTrue(reading.await(10, TimeUnit.SECONDS));
            assertTrue(threads.close(Duration.ofSeconds(10)), "the blocked reader ended");
            assertTrue(accepted.isClosed(), "interrupting a virtual thread in socket I/O closes the socket");
            assertTrue(threads.isClosed());
            assertThrows(RejectedExecutionException.class, () -> threads.start("late", () -> {}));
            assertFalse(threads.startIfOpen("late", () -> {}));
        }
    }

    @Test
    void closeFromAnOwnedThreadDoesNotWaitForItself() throws Exception {
        OwnedThreads threads = new OwnedThreads("self");
        AtomicReference<Boolean> result = new AtomicReference<>();
        threads.start("closer", () -> result.set(threads.close(Duration.ofSeconds(30)))).get(10, TimeUnit.SECONDS);
        assertEquals(false, result.get());
        assertTrue(threads.close(Duration.ofSeconds(10)));
    }

    @Test
    void itsExecutorRunsEachTaskOnANamedThreadOfTheOwnerAndRejectsOnceClosed() throws Exception {
        OwnedThreads threads = new OwnedThreads("executor owner");
        CompletableFuture<String> name = new CompletableFuture<>();
        threads.executor("request").execute(() -> name.complete(Thread.currentThread().getName()));
        assertEquals("loomtunnel executor owner: request", name.get(10, TimeUnit.SECONDS));
        assertTrue(threads.close(Duration.ofSeconds(10)));
        assertThrows(RejectedExecutionException.class, () -> threads.executor("request").execute(() -> {}));
    }

    @Test
    void aPlatformThreadIsNamedAndJoinedOnCloseAndRejectedOnceClosed() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                Socket accepted = server.accept()) {
            OwnedThreads threads = new OwnedThreads("platform owner");
            AtomicReference<Thread> reader = new AtomicReference<>();
            CountDownLatch reading = new CountDownLatch(1);
            AtomicBoolean ended = new AtomicBoolean();
            threads.startPlatform("reader", () -> {
                reader.set(Thread.currentThread());
                try (InputStream in = accepted.getInputStream()) {
                    reading.countDown();
                    in.read(); // the peer never writes: only closing the socket wakes it
                } catch (Exception expected) {
                    // the socket was closed under us
                } finally {
                    ended.set(true);
                }
            });
            assertTrue(reading.await(10, TimeUnit.SECONDS));
            assertFalse(reader.get().isVirtual());
            assertTrue(reader.get().isDaemon());
            assertEquals("loomtunnel platform owner: reader", reader.get().getName());
            accepted.close(); // as its owner does before closing: an interrupt does not wake a platform thread's read
            assertTrue(threads.close(Duration.ofSeconds(10)), "the reader was joined");
            assertTrue(ended.get(), "its task had returned when close returned");
            reader.get().join(Duration.ofSeconds(10)); // the thread itself exits a moment after its task
            assertFalse(reader.get().isAlive());
            assertThrows(RejectedExecutionException.class, () -> threads.startPlatform("late", () -> {}));
        }
    }
}
