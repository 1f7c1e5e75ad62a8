package io.loomtunnel.internal.policy;

import io.loomtunnel.internal.concurrent.OwnedThreads;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One owned thread that interrupts, at most once, a thread whose policy hook call has run past the
 * time bound plus a grace, so that a hook blocked in a sleep, a wait or its own socket I/O wakes and
 * its call fails closed as an overrun, instead of holding its connection's thread until it returns.
 *
 * <p>An interrupt never lands outside its hook call. Each call has its own {@link Call} token, in
 * state RUNNING. The watchdog interrupts only after moving a token RUNNING to CUT by CAS, and holds
 * {@code interrupting} from that CAS until {@link Thread#interrupt} returned; the call's thread ends
 * its call by moving RUNNING to DONE. The CAS that wins decides: after DONE no interrupt ever comes
 * for that call; after CUT one is coming or came, so the call's thread takes {@code interrupting}
 * once (waiting the interrupt out) and clears its interrupt flag before it goes back to its
 * connection's I/O (a virtual thread interrupted in socket I/O has that socket closed). A flag that
 * was already set when the call began (its owner closing) is left set.
 *
 * <p>What an interrupt cannot stop: a hook that spins on the CPU, or that waits where an interrupt
 * does not wake a thread (entering a {@code synchronized} block, {@code Lock.lock()}), runs on until
 * it returns, and is measured then as every call is. A hook that swallows the interrupt and waits
 * again is not interrupted twice. An owner's interrupt that arrives during a call after the
 * watchdog's is cleared with it (the owner's close then waits for the connection's other close
 * paths).
 *
 * <p>Bounded: {@code running} holds the calls in progress, at most one per thread inside a hook
 * (the ingresses bound those), each removed when its call returns. The thread starts with the
 * first call (a process that never calls a hook has none), sweeps the calls every grace period and
 * ends with {@link #close}.
 *
 * <p>Locks, both leaves: {@code interrupting} is held by the watchdog for one CAS and one
 * interrupt, and taken and released at once by a cut call's thread; {@code life} guards starting and
 * closing the thread ({@code lifeState} is also read without it, {@code threads} only under it).
 */
final class HookWatchdog implements AutoCloseable {
    // Call.state
    private static final int RUNNING = 0;
    private static final int DONE = 1;
    private static final int CUT = 2;
    // lifeState
    private static final int NEW = 0;
    private static final int WATCHING = 1;
    private static final int CLOSED = 2;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Call.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Duration bound;
    private final Duration grace;
    private final long cutAfterNanos;
    private final String owner;
    private final Set<Call> running = ConcurrentHashMap.newKeySet();
    private final ReentrantLock interrupting = new ReentrantLock();
    private final ReentrantLock life = new ReentrantLock();
    private final AtomicLong cuts = new AtomicLong();
    private volatile int lifeState = NEW;
    private OwnedThreads threads; // null until the first call

    /**
     * A watchdog for calls bounded by {@code bound}, its thread to be named {@code "loomtunnel
     * <owner>: hook watchdog"}; the grace (and sweep period) is a quarter of the bound, within 10 to
     * 250 ms.
     */
    HookWatchdog(String owner, Duration bound) {
        this(owner, bound, graceFor(bound));
    }

    /** As {@link #HookWatchdog(String, Duration)} with the grace given (tests). */
    HookWatchdog(String owner, Duration bound, Duration grace) {
        this.bound = bound;
        this.grace = grace;
        this.cutAfterNanos = bound.plus(grace).toNanos();
        this.owner = owner;
    }

    private static Duration graceFor(Duration bound) {
        return Duration.ofMillis(Math.clamp(bound.toMillis() / 4, 10, 250));
    }

    /** The bound on one call. */
    Duration bound() {
        return bound;
    }

    /**
     * A hook call begins on the current thread, at {@code startNanos} ({@link System#nanoTime}):
     * the caller must {@link Call#exit} it when the hook returns or throws (in a {@code finally}).
     */
    Call enter(long startNanos) {
        if (lifeState == NEW) {
            startWatching();
        }
        Call c = new Call(Thread.currentThread(), startNanos);
        running.add(c);
        return c;
    }

    /** Calls in progress now. */
    int running() {
        return running.size();
    }

    /** How many calls were interrupted so far. */
    long cuts() {
        return cuts.get();
    }

    private void startWatching() {
        life.lock();
        try {
            if (lifeState == NEW) {
                threads = new OwnedThreads(owner);
                threads.startEvery("hook watchdog", grace, this::sweep);
                lifeState = WATCHING;
            }
        } finally {
            life.unlock();
        }
    }

    /** Interrupts each call that ran past the bound and the grace, once. */
    private void sweep() {
        long now = System.nanoTime();
        for (Call c : running) {
            if (c.state == RUNNING && now - c.startNanos > cutAfterNanos) {
                cut(c);
            }
        }
    }

    private void cut(Call c) {
        interrupting.lock();
        try {
            if (STATE.compareAndSet(c, RUNNING, CUT)) {
                c.thread.interrupt();
                cuts.incrementAndGet();
            }
        } finally {
            interrupting.unlock();
        }
    }

    /** Ends the thread (joined within {@code grace}; true if it ended); later calls are measured on return only. */
    boolean close(Duration grace) {
        OwnedThreads started;
        life.lock();
        try {
            lifeState = CLOSED;
            started = threads;
        } finally {
            life.unlock();
        }
        return started == null || started.close(grace);
    }

    @Override
    public void close() {
        close(OwnedThreads.DEFAULT_GRACE);
    }

    /** One hook call in progress: its thread, its start and whether it ended or was cut. */
    final class Call {
        private final Thread thread;
        private final long startNanos;
        private final boolean interruptedBefore;
        private volatile int state = RUNNING;

        private Call(Thread thread, long startNanos) {
            this.thread = thread;
            this.startNanos = startNanos;
            this.interruptedBefore = thread.isInterrupted();
        }

        /**
         * The hook returned or threw: true when the watchdog interrupted it (the call is an
         * overrun). Afterwards no interrupt of the watchdog's can reach the thread for this call, and
         * the one it had is cleared.
         */
        boolean exit() {
            running.remove(this);
            if (STATE.compareAndSet(this, RUNNING, DONE)) {
                return false;
            }
            interrupting.lock(); // the watchdog holds it from its CAS until its interrupt() returned
            interrupting.unlock();
            if (!interruptedBefore) {
                Thread.interrupted();
            }
            return true;
        }
    }
}
