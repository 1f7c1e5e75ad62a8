package io.loomtunnel.internal.http;

import java.io.InputStream;

/** Serves a byte array in pieces of 1 to 13 bytes (so every boundary gets hit) and records the largest read asked for. */
final class TrickleInputStream extends InputStream {
    private final byte[] data;
    private int pos;
    private int reads;
    private int largestRequest;

    TrickleInputStream(byte[] data) {
        this.data = data;
    }

    @Override
    public int read() {
        return pos < data.length ? data[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        largestRequest = Math.max(largestRequest, len);
        if (pos == data.length) {
            return -1;
        }
        int n = Math.min(Math.min(len, data.length - pos), 1 + reads++ % 13);
        System.arraycopy(data, pos, b, off, n);
        pos += n;
        return n;
    }

    boolean atEnd() {
        return pos == data.length;
    }

    int largestRequest() {
        return largestRequest;
    }
}
