package io.loomtunnel.mux;

import io.loomtunnel.ErrorCode;
import io.loomtunnel.internal.wire.Frame;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A session's second virtual thread. It writes the frames the reader owes the peer (PING ACKs,
 * RSTs for refused or closed streams), so that the reader never blocks on a socket write, and it
 * runs keepalive: a PING every interval, and the dead-peer check (docs/protocol/SESSION.md 4.1).
 *
 * <p>Locking: {@code lock} guards the two queues and {@code stopped}; frames are written
 * outside it.
 */
final class Housekeeper implements Runnable {
    /** PING ACKs owed at once; a peer that pings faster than we can answer loses the excess. */
    private static final int MAX_PING_ACKS = 64;
    /** RSTs owed at once; more means the peer floods us with refused streams. */
    private static final int MAX_RESETS = 4096;

    private final MuxSession session;
    private final long intervalNanos;
    private final long timeoutNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final ArrayDeque<Long> pingAcks = new ArrayDeque<>();
    private final ArrayDeque<Frame> resets = new ArrayDeque<>();
    private boolean stopped;
    private long keepaliveValue = -1;

    Housekeeper(MuxSession session, Duration interval, Duration timeout) {
        this.session = session;
        this.intervalNanos = interval.toNanos();
        this.timeoutNanos = timeout.toNanos();
    }

    /** Queues a PING ACK; called by the reader. */
    void ackPing(long value) {
        lock.lock();
        try {
            if (pingAcks.size() < MAX_PING_ACKS) {
                pingAcks.addLast(value);
                work.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Queues a RST; called by the reader. False if too many are owed already. */
    boolean reset(int streamId, ErrorCode code) {
        lock.lock();
        try {
            if (resets.size() >= MAX_RESETS) {
                return false;
            }
            resets.addLast(Frame.reset(streamId, code));
            work.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    void stop() {
        lock.lock();
        try {
            stopped = true;
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void run() {
        long nextKeepalive = System.nanoTime(); // the first PING at once: window growth needs an RTT
        List<Frame> owed = new ArrayList<>();
        try {
            while (true) {
                lock.lock();
                try {
                    long wait;
                    while (!stopped && pingAcks.isEmpty() && resets.isEmpty()
                            && (wait = nextKeepalive - System.nanoTime()) > 0) {
                        work.awaitNanos(wait);
                    }
                    if (stopped) {
                        return;
                    }
                    while (!pingAcks.isEmpty()) {
                        owed.add(Frame.ping(true, pingAcks.pollFirst()));
                    }
                    owed.addAll(resets);
                    resets.clear();
                } finally {
                    lock.unlock();
                }
                for (Frame f : owed) {
                    session.writer().write(f);
                }
                owed.clear();
                if (System.nanoTime() - nextKeepalive >= 0) {
                    keepalive();
                    nextKeepalive = System.nanoTime() + intervalNanos;
                }
            }
        } catch (IOException e) {
            session.writeFailed(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void keepalive() throws IOException {
        long silent = System.nanoTime() - session.lastReceivedNanos();
        if (silent > timeoutNanos) {
            session.terminate(ErrorCode.KEEPALIVE_TIMEOUT,
                    "no frames from the peer for " + Duration.ofNanos(silent).toMillis() + " ms", true);
            return;
        }
        PingTracker pings = session.pings();
        pings.abandon(keepaliveValue);
        keepaliveValue = pings.start(new CompletableFuture<>());
        session.writer().write(Frame.ping(false, keepaliveValue));
    }
}
