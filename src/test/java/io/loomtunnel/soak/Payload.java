package io.loomtunnel.soak;

import java.util.Arrays;

/**
 * Bytes that are a function of a seed and an offset (SplitMix64 of the seed and the offset's 8-byte
 * word), so a sender makes them and a checker predicts them independently, at any offset, without
 * keeping what was sent: a byte lost, duplicated, reordered or changed shows as the first mismatch.
 */
final class Payload {
    private Payload() {}

    /** Fills {@code b[off, off+len)} with the bytes at {@code position, position+len)} of stream {@code seed}. */
    static void fill(long seed, long position, byte[] b, int off, int len) {
        long index = -1;
        long word = 0;
        for (int i = 0; i < len; i++) {
            long p = position + i;
            if (p >>> 3 != index) {
                index = p >>> 3;
                word = word(seed, index);
            }
            b[off + i] = (byte) (word >>> ((p & 7) << 3));
        }
    }

    /** A new array holding bytes {@code [0, len)} of stream {@code seed}. */
    static byte[] of(long seed, int len) {
        byte[] b = new byte[len];
        fill(seed, 0, b, 0, len);
        return b;
    }

    /**
     * The index in {@code b[off, off+len)} of the first byte that is not the one at that place of
     * stream {@code seed} starting at {@code position}, or -1 when all are.
     */
    static int mismatch(long seed, long position, byte[] b, int off, int len) {
        byte[] expected = new byte[len];
        fill(seed, position, expected, 0, len);
        return Arrays.mismatch(b, off, off + len, expected, 0, len);
    }

    static byte at(long seed, long position) {
        return (byte) (word(seed, position >>> 3) >>> ((position & 7) << 3));
    }

    private static long word(long seed, long index) {
        return mix(seed + index * 0x9E3779B97F4A7C15L);
    }

    /** SplitMix64's finalizer. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
