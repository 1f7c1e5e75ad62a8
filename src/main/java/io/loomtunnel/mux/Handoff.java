package io.loomtunnel.mux;

import java.io.IOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The core shared by this package's blocking hand-offs between the session reader and
 * application threads: a lock, one condition to wait on, and a failure that, once set, wakes
 * every waiter and is what they all throw.
 *
 * <p>Locking: {@code lock} guards {@code failure} and every field of the subclass.
 */
abstract class Handoff {
    final ReentrantLock lock = new ReentrantLock();
    final Condition changed = lock.newCondition();
    IOException failure;

    /** Fails every current and future waiter with {@code e}; the first failure wins. */
    void fail(IOException e) {
        lock.lock();
        try {
            if (failure == null) {
                failure = e;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
