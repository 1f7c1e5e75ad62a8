package io.loomtunnel.internal.h2.upstream;

import io.loomtunnel.internal.h2.H2Error;
import io.loomtunnel.internal.http.Http1Requests;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One request of an h2c tunnel and the h2 stream that carries it, which a refusal replaces: a
 * stream the service refused before answering (RST_STREAM REFUSED_STREAM, or a GOAWAY whose last
 * stream is below it; RFC 9113 8.7: it processed nothing) is opened again, once, on the stream the
 * pool gives (a new connection after a GOAWAY), and the request body sent so far is sent again
 * before anything more. A body is kept for that up to {@link #REPLAY_LIMIT} bytes and until the
 * answer begins; a longer one is not retried (the visitor gets the 502 it got before).
 *
 * <p>States: OPEN (a refusal may still be retried), then ANSWERED (the service took the request)
 * or SETTLED (given up, cancelled, or the tunnel stream ended).
 *
 * <p>Threads: the tunnel stream's request thread sends the body ({@link #send}, {@link #end});
 * its response thread reads the answer from {@link #stream} and calls {@link #retry} on a
 * refusal, {@link #answered} on the first event that is not one. Locking: {@code lock} guards
 * the stream, the kept body and the state. A retry holds it while it opens the new stream (which
 * may connect, up to the connect timeout, and wait for a stream slot, up to its timeout) and sends
 * the kept body again (within the initial window: {@link #REPLAY_LIMIT}), so the request thread's
 * next bytes follow them; under it only the pool's lock, the connection's locks and the stream's
 * send window are taken, none of which calls back into the exchange.
 */
final class H2cExchange implements H2cBridge.Handed {
    /**
     * The most request body kept for a retry: under the smallest initial stream window a service
     * is likely to give (65,535 by default), so sending it again does not wait for window.
     */
    static final int REPLAY_LIMIT = 16 * 1024;

    private enum State { OPEN, ANSWERED, SETTLED }

    final Http1Requests.Head head;
    private final H2cPool pool;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private H2cStream stream; // under lock
    private ByteArrayOutputStream kept = new ByteArrayOutputStream(); // under lock; null when nothing more is kept
    private boolean bodyEnded; // under lock
    private State state = State.OPEN; // under lock
    /** Set by the response thread once the answer went out whole. */
    volatile boolean responded;

    private H2cExchange(Http1Requests.Head head, H2cPool pool, H2cStream stream) {
        this.head = head;
        this.pool = pool;
        this.stream = stream;
    }

    /** Opens the request's first stream: its head, and END_STREAM if it has no body. */
    static H2cExchange open(Http1Requests.Head head, H2cPool pool) throws IOException {
        return new H2cExchange(head, pool, pool.open(RequestFields.of(head), !head.body()));
    }

    /** The stream that carries the request now. */
    H2cStream stream() {
        lock.lock();
        try {
            return stream;
        } finally {
            lock.unlock();
        }
    }

    // ---- the request thread

    /**
     * Body bytes, sent on the current stream and kept for a retry; false once the request takes
     * no more (the service answered or ended it): the caller drops the rest of the body.
     */
    boolean send(byte[] b, int off, int len) throws InterruptedIOException {
        H2cStream s;
        lock.lock();
        try {
            if (kept != null) {
                if (kept.size() + len <= REPLAY_LIMIT) {
                    kept.write(b, off, len);
                } else {
                    kept = null;
                }
            }
            s = stream;
        } finally {
            lock.unlock();
        }
        return s.send(b, off, len) || replaced(s);
    }

    /** The body is complete (END_STREAM); false if the request no longer takes it. */
    boolean end() throws InterruptedIOException {
        H2cStream s;
        lock.lock();
        try {
            bodyEnded = true;
            s = stream;
        } finally {
            lock.unlock();
        }
        return s.end() || replaced(s);
    }

    /**
     * After a send on {@code s} failed: waits until the response thread decides; true if a retry
     * replaced {@code s} (it sent those bytes again), false if the request takes no more.
     */
    private boolean replaced(H2cStream s) throws InterruptedIOException {
        lock.lock();
        try {
            while (stream == s && state == State.OPEN) {
                changed.await(); // every way the response thread leaves the exchange settles it (H2cBridge.run's finally)
            }
            return stream != s;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for a retry");
        } finally {
            lock.unlock();
        }
    }

    // ---- the response thread

    /** The service began to answer: the request is its now, and the kept body is let go. */
    void answered() {
        lock.lock();
        try {
            if (state == State.OPEN) {
                state = State.ANSWERED;
                kept = null;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The current stream was refused: opens the request again on a new stream and sends the
     * body kept so far (END_STREAM too if the body is complete). Null if it is not retried: it
     * was retried once already, its body was too long to keep, or the new stream failed.
     */
    H2cStream retry() {
        lock.lock();
        try {
            if (state != State.OPEN || kept == null) { // kept is let go at the first retry
                settle();
                return null;
            }
            byte[] body = kept.toByteArray();
            kept = null; // no second retry: nothing more to keep
            H2cStream fresh = pool.open(RequestFields.of(head), !head.body());
            boolean sent;
            try {
                sent = !head.body() || ((body.length == 0 || fresh.send(body, 0, body.length)) && (!bodyEnded || fresh.end()));
            } catch (IOException e) {
                sent = false;
            }
            if (!sent) {
                fresh.cancel(H2Error.CANCEL);
                settle();
                return null;
            }
            stream = fresh;
            changed.signalAll();
            return fresh;
        } catch (IOException e) { // the service cannot be reached again, or takes no new stream
            settle();
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** Ends the exchange here: no retry from now on, and the stream is reset with {@code code} unless it has ended. */
    void cancel(int code) {
        H2cStream s;
        lock.lock();
        try {
            settle();
            s = stream;
        } finally {
            lock.unlock();
        }
        s.cancel(code);
    }

    private void settle() {
        state = State.SETTLED;
        kept = null;
        changed.signalAll();
    }
}
