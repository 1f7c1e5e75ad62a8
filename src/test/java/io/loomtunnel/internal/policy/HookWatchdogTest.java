package io.loomtunnel.internal.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomtunnel.plugin.Admission;
import io.loomtunnel.plugin.BodyFilter;
import io.loomtunnel.plugin.BodyRejectedException;
import io.loomtunnel.plugin.Connection;
import io.loomtunnel.plugin.Headers;
import io.loomtunnel.plugin.Policy;
import io.loomtunnel.plugin.Request;
import io.loomtunnel.plugin.RequestAction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hook watchdog: a hook blocked in a sleep, a latch or its own socket read is interrupted once
 * past the bound and its call fails closed, the thread's interrupt cleared so the connection's own
 * socket still works; and, with the watchdog sweeping every millisecond against thousands of calls
 * ending around the bound, no interrupt ever reaches a thread after its call returned. Hooks run on
 * virtual threads, as the ingresses' do (a platform thread's socket read ignores interrupts).
 */
@Timeout(60)
class HookWatchdogTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Request GET = new Request("web", new InetSocketAddress("192.0.2.7", 4000), "GET", "/",
            Headers.of("Host", "web"));
    private static final Duration BOUND = Duration.ofMillis(200);

    @Test
    void blockedHooksAreInterruptedOnceFailClosedAndLeaveTheConnectionsSocketAlone() throws Exception {
        try (HookWatchdog watchdog = new HookWatchdog("watchdog test", BOUND);
             ServerSocket listener = new ServerSocket(0, 50, LOOPBACK);
             Socket own = new Socket(LOOPBACK, listener.getLocalPort()); // the "connection" the thread carries
             Socket peer = listener.accept();
             Socket pluginsOwn = new Socket(LOOPBACK, listener.getLocalPort())) { // never accepted: its read blocks
            AtomicInteger interrupts = new AtomicInteger();
            Policy blocking = new Policy() {
                @Override
                public RequestAction onRequest(Request r) {
                    TestPolicyProvider.waitInterruptibly(() -> Thread.sleep(Duration.ofSeconds(60)));
                    return RequestAction.CONTINUE;
                }

                @Override
                public Admission onConnection(Connection c) {
                    try {
                        pluginsOwn.getInputStream().read(); // interrupted: the socket is closed, the read throws
                        return Admission.ACCEPT;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }

                @Override
                public BodyFilter requestBody(Request r) {
                    return chunk -> {
                        TestPolicyProvider.waitInterruptibly(() -> new CountDownLatch(1).await());
                        return chunk;
                    };
                }
            };
            Policy swallowing = new Policy() {
                @Override
                public RequestAction onRequest(Request r) {
                    long end = System.nanoTime() + BOUND.multipliedBy(4).toNanos();
                    while (System.nanoTime() < end) { // an interrupt is swallowed: waits on until the end
                        try {
                            Thread.sleep(Duration.ofNanos(Math.max(1, end - System.nanoTime())));
                        } catch (InterruptedException e) {
                            interrupts.incrementAndGet();
                        }
                    }
                    return RequestAction.CONTINUE;
                }
            };
            PolicyChain chain = chain(watchdog, blocking);
            onVirtualThread(() -> {
                assertEquals(new RequestAction.Reject(500), chain.onRequest(GET).action());
                assertFalse(Thread.currentThread().isInterrupted(), "the interrupt is cleared");
                assertFalse(chain.admit(new Connection("t", null)));
                assertTrue(pluginsOwn.isClosed(), "the interrupt closed the socket the hook was blocked on");
                assertFalse(Thread.currentThread().isInterrupted());
                try {
                    chain.requestBody(GET).data(ByteBuffer.allocate(1));
                    throw new AssertionError("the blocked body filter passed");
                } catch (BodyRejectedException e) {
                    assertEquals(500, e.status());
                }
                own.getOutputStream().write(7); // on a virtual thread still interrupted, this would close the socket
                assertEquals(7, peer.getInputStream().read());
                assertFalse(own.isClosed());

                assertEquals(new RequestAction.Reject(500), chain(watchdog, swallowing).onRequest(GET).action());
                assertEquals(1, interrupts.get(), "interrupted once per call");
                assertFalse(Thread.currentThread().isInterrupted());
                return null;
            });
            assertEquals(4, watchdog.cuts());
            assertEquals(0, watchdog.running(), "every call left the registry of running calls");
            assertTrue(watchdog.close(Duration.ofSeconds(10)), "its thread is joined on close");
        }
    }

    /**
     * Thousands of calls that end just before, at or after the moment the watchdog may cut them
     * (bound 1 ms, grace 1 ms, a sweep every millisecond), some spinning and some parked, on
     * several threads: some are cut, and after every call the thread's interrupt flag is clear,
     * also a moment later (a late interrupt would show there or at the next call).
     */
    @Test
    void anInterruptNeverLandsAfterTheHookReturned() throws Exception {
        try (HookWatchdog watchdog = new HookWatchdog("watchdog race test", Duration.ofMillis(1), Duration.ofMillis(1))) {
            Policy nearTheBound = new Policy() {
                @Override
                public RequestAction onRequest(Request r) {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    long nanos = random.nextLong(Duration.ofMillis(4).toNanos());
                    if (random.nextBoolean()) {
                        long end = System.nanoTime() + nanos;
                        while (System.nanoTime() < end) { // ignores an interrupt
                            Thread.onSpinWait();
                        }
                    } else {
                        LockSupport.parkNanos(nanos); // an interrupt ends it early, the flag left set
                    }
                    return RequestAction.CONTINUE;
                }
            };
            PolicyChain chain = chain(watchdog, nearTheBound);
            AtomicInteger late = new AtomicInteger();
            AtomicInteger passed = new AtomicInteger();
            long deadline = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                threads.add(Thread.ofVirtual().name("race " + t).start(() -> {
                    for (int i = 0; i < 3_000 && System.nanoTime() < deadline; i++) {
                        if (Thread.currentThread().isInterrupted()) {
                            late.incrementAndGet();
                            Thread.interrupted();
                        }
                        if (chain.onRequest(GET).action() == RequestAction.CONTINUE) {
                            passed.incrementAndGet();
                        }
                        long settle = System.nanoTime() + 20_000;
                        while (System.nanoTime() < settle) {
                            Thread.onSpinWait();
                        }
                        if (Thread.interrupted()) {
                            late.incrementAndGet();
                        }
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(0, late.get(), "interrupts that reached a thread after its call");
            assertTrue(watchdog.cuts() > 0, "the watchdog cut some calls");
            assertTrue(passed.get() > 0, "some calls ended within the bound");
            assertEquals(0, watchdog.running(), "every call left the registry of running calls");
        }
    }

    @Test
    void callsAfterCloseAreMeasuredOnReturnOnly() throws Exception {
        HookWatchdog watchdog = new HookWatchdog("watchdog closed test", Duration.ofMillis(50));
        assertTrue(watchdog.close(Duration.ofSeconds(5)));
        Policy slow = new Policy() {
            @Override
            public RequestAction onRequest(Request r) {
                LockSupport.parkNanos(Duration.ofMillis(300).toNanos());
                return RequestAction.CONTINUE;
            }
        };
        onVirtualThread(() -> {
            assertEquals(new RequestAction.Reject(500), chain(watchdog, slow).onRequest(GET).action());
            return null;
        });
        assertEquals(0, watchdog.cuts(), "no thread started once closed");
    }

    private static PolicyChain chain(HookWatchdog watchdog, Policy policy) {
        return new PolicyChain(List.of(new PolicyChain.Link("p", policy)), watchdog);
    }

    /** Runs {@code body} on a virtual thread and waits for it, rethrowing what it threw. */
    private static void onVirtualThread(Callable<Void> body) throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = Thread.ofVirtual().name("hook caller").start(() -> {
            try {
                body.call();
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        t.join();
        if (thrown.get() instanceof Exception e) {
            throw e;
        }
        if (thrown.get() instanceof Error e) {
            throw e;
        }
    }
}
