package io.loomtunnel.internal.http;

import java.io.IOException;
import java.util.Arrays;

/**
 * The start of a request body, read before the app is contacted: all of it when it fits in the
 * limit ({@code complete}), so that a visitor sending a small body slowly costs the ingress a
 * thread and a little memory, never an app worker or a tunnel stream. The array grows as bytes
 * arrive (a Content-Length alone reserves nothing), up to the limit.
 */
record BodyPrefix(byte[] bytes, int length, boolean complete) {
    private static final int FIRST_CAPACITY = 4 * 1024;
    static final BodyPrefix EMPTY = new BodyPrefix(new byte[0], 0, true);
    /** Nothing read ahead: the body streams once the app is contacted (a gRPC call's, see {@link DuplexBody}). */
    static final BodyPrefix STREAMED = new BodyPrefix(new byte[0], 0, false);

    /** Reads from {@code body} until its end or {@code limit} bytes, whichever comes first. */
    static BodyPrefix read(BodyReader body, int limit) throws IOException {
        if (body.finished()) {
            return EMPTY;
        }
        byte[] buf = new byte[Math.min(FIRST_CAPACITY, limit)];
        int length = 0;
        while (length < limit) {
            if (length == buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min((long) buf.length * 2, limit));
            }
            int n = body.read(buf, length, buf.length - length);
            if (n < 0) {
                return new BodyPrefix(buf, length, true);
            }
            length += n;
        }
        return new BodyPrefix(buf, length, body.finished());
    }
}
