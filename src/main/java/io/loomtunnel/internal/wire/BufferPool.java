package io.loomtunnel.internal.wire;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * A bounded pool of equal-size byte arrays, so that idle connections hold no write buffer.
 *
 * <p>A connection's writer takes an array when it has bytes to buffer and gives it back once they
 * are sent. With many idle sessions (100 clients on one server, each with a 128 KiB frame buffer
 * and a 128 KiB TLS buffer) that is the difference between tens of megabytes and a few arrays. The
 * pool keeps at most {@code capacity} arrays; beyond that, arrays are left to the garbage
 * collector, so a burst never pins memory for ever.
 *
 * <p>Thread-safe. An array must not be used after it is released.
 */
public final class BufferPool {
    private final int arraySize;
    private final ArrayBlockingQueue<byte[]> free;

    public BufferPool(int arraySize, int capacity) {
        if (arraySize <= 0 || capacity <= 0) {
            throw new IllegalArgumentException("array size and capacity must be positive");
        }
        this.arraySize = arraySize;
        this.free = new ArrayBlockingQueue<>(capacity);
    }

    /** A pool for one array size, keeping up to four arrays per processor. */
    public static BufferPool perProcessor(int arraySize) {
        return new BufferPool(arraySize, 4 * Runtime.getRuntime().availableProcessors());
    }

    /** A free array of {@link #arraySize()} bytes (contents undefined). */
    public byte[] acquire() {
        byte[] b = free.poll();
        return b != null ? b : new byte[arraySize];
    }

    /** Gives an array back; the caller must not touch it afterwards. */
    public void release(byte[] array) {
        if (array.length != arraySize) {
            throw new IllegalArgumentException("array of " + array.length + " bytes, pool holds " + arraySize);
        }
        free.offer(array); // full pool: the array is dropped
    }

    public int arraySize() {
        return arraySize;
    }

    /** Arrays waiting to be reused (for tests and memory reports). */
    public int pooled() {
        return free.size();
    }
}
