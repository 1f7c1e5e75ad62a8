package io.loomtunnel.internal.h2.upstream;

import io.loomtunnel.internal.h2.Frame;
import io.loomtunnel.internal.h2.Frames;
import io.loomtunnel.internal.h2.H2Error;
import io.loomtunnel.internal.h2.HeaderField;
import io.loomtunnel.internal.h2.ReceiveWindow;
import io.loomtunnel.internal.h2.SendWindows;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One request stream of an {@link H2cConnection}: what the service sends on it, queued for the one
 * thread that relays the response ({@link #next}), and the sending of the request body within the
 * stream's and the connection's send windows ({@link #send}, {@link #end}). The queue never makes
 * the connection's reader wait: its DATA are bounded by the receive window this stream gives
 * (credit goes back only as {@link #next} hands data on), its header blocks by {@link #MAX_QUEUED_BLOCKS}.
 *
 * <p>Threads: the connection's reader calls {@link #received}, {@link #receivedHeaders} and
 * {@link #resetBy}; one thread sends, one takes events; {@link #cancel} comes from any of them.
 * Locking: {@code lock} (a leaf) guards the queue; the send window is the connection's
 * {@link SendWindows}'.
 */
final class H2cStream {
    /** Header blocks (1xx, the head, trailers) waiting to be taken, at most: more is a stream error. */
    static final int MAX_QUEUED_BLOCKS = 4;

    /** What came from the service, in order. */
    sealed interface Event permits Headers, Data, Reset {}

    /** A header block; {@code tooLarge}: fields were dropped for the list size limit. */
    record Headers(List<HeaderField> fields, boolean tooLarge, boolean endStream) implements Event {}

    /** Body bytes (possibly none, with END_STREAM). */
    record Data(byte[] bytes, boolean endStream) implements Event {}

    /** The stream ended abnormally: reset by either side, or the connection failed. */
    record Reset(int code) implements Event {}

    final int id;
    private final H2cConnection connection;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<Event> queue = new ArrayDeque<>();
    private int queuedBlocks; // under lock
    private final ReceiveWindow receiveWindow = new ReceiveWindow(H2cConnection.STREAM_WINDOW);
    private final AtomicBoolean finished = new AtomicBoolean();
    /** The send window, in the connection's SendWindows. */
    final SendWindows.Window window;
    private volatile boolean localEnded;
    private volatile boolean remoteEnded;
    private volatile boolean reset;

    H2cStream(int id, H2cConnection connection, SendWindows.Window window, boolean localEnded) {
        this.id = id;
        this.connection = connection;
        this.window = window;
        this.localEnded = localEnded;
    }

    // ---- the connection's reader

    /** DATA of {@code length} bytes (padding included) holding {@code data}: false if beyond the window (FLOW_CONTROL_ERROR). */
    boolean received(int length, byte[] data, boolean endStream) {
        if (!receiveWindow.take(length)) {
            return false;
        }
        credit(length - data.length); // padding is never handed on
        if (remoteEnded || reset) {
            credit(data.length);
            return true;
        }
        if (data.length > 0 || endStream) {
            offer(new Data(data, endStream), false);
        }
        if (endStream) {
            remoteEnded();
        }
        return true;
    }

    /** A whole header block for this stream. */
    void receivedHeaders(List<HeaderField> fields, boolean tooLarge, boolean endStream) {
        if (remoteEnded || reset) {
            return;
        }
        if (!offer(new Headers(fields, tooLarge, endStream), true)) {
            cancel(H2Error.ENHANCE_YOUR_CALM); // a flood of 1xx heads
            return;
        }
        if (endStream) {
            remoteEnded();
        }
    }

    /** RST_STREAM from the service, its GOAWAY not covering this stream, or the connection's end. */
    void resetBy(int code) {
        if (reset) {
            return;
        }
        reset = true;
        offer(new Reset(code), false);
        connection.sendWindows().wake();
        finish();
    }

    // ---- the response's thread

    /** The next event, waiting as long as it takes: every end of the stream or the connection queues one. */
    Event next() throws InterruptedIOException {
        Event e;
        lock.lock();
        try {
            while (queue.isEmpty()) {
                arrived.await();
            }
            e = queue.poll();
            if (e instanceof Headers) {
                queuedBlocks--;
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for the h2c service");
        } finally {
            lock.unlock();
        }
        if (e instanceof Data d) {
            credit(d.bytes().length);
        }
        return e;
    }

    /** Whether an event is waiting (the relay flushes when none is). */
    boolean pending() {
        lock.lock();
        try {
            return !queue.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    // ---- the request's thread

    /**
     * Sends body bytes as DATA within the windows, waiting for them up to the connection's send
     * timeout (then the stream is cancelled); false once the stream takes no more (the service
     * ended or reset it, or the connection failed): the caller drops the rest of the body.
     */
    boolean send(byte[] b, int off, int len) throws InterruptedIOException {
        while (len > 0) {
            if (reset || localEnded) {
                return false;
            }
            int n = connection.sendWindows().take(window, len);
            if (n <= 0) {
                if (n < 0) {
                    cancel(H2Error.CANCEL); // no window for the send timeout
                }
                return false;
            }
            byte[] frame = Frames.frame(Frame.DATA, 0, id, b, off, n);
            if (!write(frame)) {
                return false;
            }
            off += n;
            len -= n;
        }
        return true;
    }

    /** END_STREAM: the request is complete; false if the stream no longer takes it. */
    boolean end() {
        if (reset || localEnded) {
            return false;
        }
        localEnded = true;
        boolean sent = write(Frames.frame(Frame.DATA, Frame.END_STREAM, id, new byte[0]));
        if (remoteEnded) {
            finish();
        }
        return sent;
    }

    /** Resets the stream (RST_STREAM with {@code code}) unless it has already ended; its relay then gets a Reset. */
    void cancel(int code) {
        if (finished.get()) {
            return;
        }
        write(Frames.rstStream(id, code));
        resetBy(code);
    }

    // ----

    /** Writes one frame; a failed write breaks the connection (and so resets this stream): false. */
    private boolean write(byte[] frame) {
        try {
            connection.output().write(frame);
            return true;
        } catch (IOException e) {
            connection.broken(e);
            return false;
        }
    }

    private boolean offer(Event e, boolean block) {
        lock.lock();
        try {
            if (block) {
                if (queuedBlocks >= MAX_QUEUED_BLOCKS) {
                    return false;
                }
                queuedBlocks++;
            }
            queue.add(e);
            arrived.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void remoteEnded() {
        remoteEnded = true;
        if (localEnded) {
            finish();
        }
    }

    /** Both directions ended, or the stream was reset: it leaves the connection (once). */
    private void finish() {
        if (finished.compareAndSet(false, true)) {
            connection.ended(this);
        }
    }

    /** Body bytes handed on (or dropped): the service may send that many more, given back half a window at a time. */
    private void credit(int bytes) {
        int increment = receiveWindow.consumed(bytes);
        if (increment > 0 && !remoteEnded && !reset) {
            write(Frames.windowUpdate(id, increment));
        }
    }
}
