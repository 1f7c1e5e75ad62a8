package io.loomtunnel.bench;

import io.loomtunnel.mux.MuxSession;
import io.loomtunnel.mux.MuxStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Moves a fixed number of bytes from one side to the other on virtual threads, and checks it all arrived. */
final class Bulk {
    static final int MIB = 1 << 20;
    /** Bytes moved per benchmark invocation: 64 MiB, so with @OperationsPerInvocation(64) one op is one MiB. */
    static final int OPS_CONSTANT = 64;
    static final long TOTAL = OPS_CONSTANT * (long) MIB;
    static final int CHUNK = 64 * 1024;
    /** Upper bound on one invocation; a stuck transfer fails the run instead of hanging it. */
    private static final long DEADLINE_SECONDS = 120;

    private Bulk() {}

    /**
     * Opens {@code streams} fresh streams from {@code opener}; each writes its share of {@link #TOTAL}
     * in writes of {@code chunk} bytes and half-closes; the acceptor reads each to EOF and closes it.
     *
     * @param source the bytes to send (at least {@code chunk} long), shared read-only by all writers
     * @param readBuffers one buffer per stream for the readers (kept by the caller so they are not garbage)
     */
    static void transfer(MuxSession opener, MuxSession acceptor, int streams, int chunk, byte[] source,
                         byte[][] readBuffers) throws Exception {
        long share = TOTAL / streams;
        long remainder = TOTAL - share * streams;
        AtomicLong received = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>(2 * streams);
        for (int i = 0; i < streams; i++) {
            long bytes = share + (i == 0 ? remainder : 0);
            byte[] buf = readBuffers[i];
            threads.add(Thread.ofVirtual().start(() -> {
                try (MuxStream s = opener.open()) {
                    writeAll(s.output(), source, chunk, bytes);
                    s.shutdownOutput();
                    // Wait for the peer's FIN, so the stream is gone on both sides before the next invocation.
                    if (s.input().read(buf) != -1) {
                        throw new IOException("unexpected data on the return direction");
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }));
            threads.add(Thread.ofVirtual().start(() -> {
                try (MuxStream s = acceptor.accept()) {
                    received.addAndGet(drain(s.input(), buf));
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }));
        }
        join(threads, failure);
        if (received.get() != TOTAL) {
            throw new IOException("received " + received.get() + " bytes, expected " + TOTAL);
        }
    }

    /** Reads to EOF; the count of reads is bounded by the bytes the peer sent before its FIN. */
    static long drain(InputStream in, byte[] buf) throws IOException {
        long total = 0;
        for (int n; (n = in.read(buf)) != -1; ) {
            total += n;
        }
        return total;
    }

    /** Reads exactly {@code bytes} (for connections that stay open between invocations). */
    static void readExactly(InputStream in, byte[] buf, long bytes) throws IOException {
        long left = bytes;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new IOException("EOF with " + left + " bytes still expected");
            }
            left -= n;
        }
    }

    /** Writes {@code bytes} in writes of {@code chunk} bytes. */
    static void writeAll(OutputStream out, byte[] source, int chunk, long bytes) throws IOException {
        long left = bytes;
        while (left > 0) {
            int n = (int) Math.min(chunk, left);
            out.write(source, 0, n);
            left -= n;
        }
        out.flush();
    }

    static void join(List<Thread> threads, AtomicReference<Throwable> failure) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !t.join(java.time.Duration.ofNanos(left))) {
                throw new IllegalStateException("transfer did not finish within " + DEADLINE_SECONDS + " s",
                        failure.get());
            }
        }
        Throwable t = failure.get();
        if (t instanceof Exception e) {
            throw e;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
    }

    /** Runs {@code writer} and {@code reader} on two virtual threads and waits for both. */
    static void pipe(ThrowingRunnable writer, ThrowingRunnable reader) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = List.of(
                Thread.ofVirtual().start(() -> run(writer, failure)),
                Thread.ofVirtual().start(() -> run(reader, failure)));
        join(threads, failure);
    }

    private static void run(ThrowingRunnable r, AtomicReference<Throwable> failure) {
        try {
            r.run();
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new java.util.SplittableRandom(42).nextBytes(b);
        return b;
    }
}
