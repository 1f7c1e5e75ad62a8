package io.loomtunnel.internal.inspect;

import java.util.Arrays;

/**
 * What the inspector keeps of one message body: its whole size, and its first {@code cap} bytes.
 * Not thread-safe: guarded by its {@link Exchange}.
 */
final class BodyCapture {
    private static final byte[] EMPTY = new byte[0];

    private final int cap;
    private byte[] bytes = EMPTY;
    private int captured;
    private long size;

    BodyCapture(int cap) {
        this.cap = cap;
    }

    /** Counts {@code len} more body bytes and keeps what fits under the cap; returns how many it kept. */
    int append(byte[] b, int off, int len) {
        size += len;
        int n = Math.min(len, cap - captured);
        if (n <= 0) {
            return 0;
        }
        if (captured + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.min(cap, Math.max(captured + n, Math.max(256, bytes.length * 2))));
        }
        System.arraycopy(b, off, bytes, captured, n);
        captured += n;
        return n;
    }

    long size() {
        return size;
    }

    int captured() {
        return captured;
    }

    /** The body was larger than the cap: only its first {@link #captured()} bytes are here. */
    boolean truncated() {
        return size > captured;
    }

    byte[] bytes() {
        return Arrays.copyOf(bytes, captured);
    }
}
