package io.loomtunnel.internal.concurrent;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The virtual threads of one long-lived component (a server, a client, a session, a share...),
 * started from an executor it owns and ended together when it closes, as Helidon's ServerListener
 * does with its executors.
 *
 * <p>Every thread is named {@code "loomtunnel <owner>: <task>"}, so a thread dump says what each
 * one serves and a test can find any that outlives its owner ({@link #THREAD_NAME_PREFIX}).
 * {@link #close(Duration)} stops new starts, interrupts every thread (which closes the socket a
 * virtual thread is blocked on and wakes it) and joins them within the grace period.
 *
 * <p>A few jobs that wake often and are few (a session's one socket reader) may run on a platform
 * thread instead ({@link #startPlatform}): it blocks in the socket read itself and wakes straight
 * from the kernel, where a virtual thread is woken through the JDK's poller and then a carrier.
 * Such a thread is not woken by the interrupt of {@link #close(Duration)} when it is blocked in
 * socket I/O: its owner closes the socket first.
 *
 * <p>Thread safety: safe for any thread; no lock of its own (the executors are thread-safe).
 */
public final class OwnedThreads implements AutoCloseable {
    /** Every loomtunnel thread's name starts with this. */
    public static final String THREAD_NAME_PREFIX = "loomtunnel ";
    /** How long {@link #close()} waits for the threads to end. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);

    private final String owner;
    private final ExecutorService executor;
    /** For {@link #startPlatform}; it starts no thread until asked to. */
    private final ExecutorService platform;

    /** Threads for {@code owner}, a short description such as {@code "server :7835"}. */
    public OwnedThreads(String owner) {
        this.owner = owner;
        this.executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(THREAD_NAME_PREFIX + owner + ": ", 0).factory());
        this.platform = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon(true).name(THREAD_NAME_PREFIX + owner + ": ", 0).factory());
    }

    /**
     * Runs {@code body} on a new virtual thread named after {@code task}.
     *
     * @throws RejectedExecutionException when this owner is closed
     */
    public Future<?> start(String task, Runnable body) {
        return submit(executor, task, body);
    }

    /**
     * Runs {@code body} on a new daemon platform thread named after {@code task}, joined on close
     * like the virtual ones (see the class comment for when, and how it is woken).
     *
     * @throws RejectedExecutionException when this owner is closed
     */
    public Future<?> startPlatform(String task, Runnable body) {
        return submit(platform, task, body);
    }

    private Future<?> submit(ExecutorService threads, String task, Runnable body) {
        String name = THREAD_NAME_PREFIX + owner + ": " + task;
        return threads.submit(() -> {
            Thread.currentThread().setName(name);
            body.run();
        });
    }

    /**
     * An executor that runs each task on a new thread of this owner named {@code task}, for APIs
     * that take an executor (the JDK's HTTP server); it rejects tasks once this owner is closed.
     */
    public Executor executor(String task) {
        return body -> start(task, body);
    }

    /**
     * Runs {@code pass} every {@code period} on a new thread named after {@code task}, until this
     * owner closes (its interrupt ends the wait): the one sweep loop of the watchdogs that close
     * what is overdue, instead of a sleeping thread per connection.
     *
     * @throws RejectedExecutionException when this owner is closed
     */
    public Future<?> startEvery(String task, Duration period, Runnable pass) {
        return start(task, () -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(period);
                    pass.run();
                }
            } catch (InterruptedException closing) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Like {@link #start} but does nothing (and returns false) when this owner is already closed. */
    public boolean startIfOpen(String task, Runnable body) {
        try {
            start(task, body);
            return true;
        } catch (RejectedExecutionException closed) {
            return false;
        }
    }

    public boolean isClosed() {
        return executor.isShutdown();
    }

    /** Closes with {@link #DEFAULT_GRACE}. */
    @Override
    public void close() {
        close(DEFAULT_GRACE);
    }

    /**
     * Interrupts every thread and waits at most {@code grace} for all to end; true when they did.
     * Safe to call more than once and from one of the owned threads itself (it then does not wait
     * for itself: it interrupts the others and returns false at once).
     */
    public boolean close(Duration grace) {
        executor.shutdownNow();
        platform.shutdownNow(); // a platform start that came in between is interrupted and joined like the rest
        if (Thread.currentThread().getName().startsWith(THREAD_NAME_PREFIX + owner + ": ")) {
            return false;
        }
        try {
            long deadline = System.nanoTime() + grace.toNanos();
            return executor.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS)
                    & platform.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public String toString() {
        return "threads of " + owner;
    }
}
