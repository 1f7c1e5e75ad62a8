package io.loomtunnel.internal.concurrent;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class JoinsTest {

    @Test
    void anInterruptAbortsTheHelperWhichIsStillJoinedAndTheInterruptIsKept() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                Socket accepted = server.accept()) {
            CountDownLatch reading = new CountDownLatch(1);
            Thread helper = Thread.ofVirtual().unstarted(() -> {
                try {
                    reading.countDown();
                    accepted.getInputStream().read(); // the peer never writes
                } catch (IOException closedByTheAbort) {
                    // woken
                }
            });
            CompletableFuture<Boolean> keptInterrupt = new CompletableFuture<>();
            Thread caller = Thread.ofVirtual().start(() -> {
                helper.start();
                Joins.joinAborting(helper, () -> {
                    try {
                        accepted.close();
                    } catch (IOException ignored) {
                        // closed already
                    }
                });
                keptInterrupt.complete(Thread.currentThread().isInterrupted());
            });
            assertTrue(reading.await(10, TimeUnit.SECONDS));
            caller.interrupt();
            assertTrue(keptInterrupt.get(10, TimeUnit.SECONDS), "the caller's interrupt is kept");
            assertFalse(helper.isAlive(), "the helper ended before joinAborting returned");
        }
    }
}
