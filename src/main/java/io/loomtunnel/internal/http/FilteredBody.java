package io.loomtunnel.internal.http;

import io.loomtunnel.plugin.BodyFilter;
import io.loomtunnel.plugin.BodyRejectedException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Relays one body through a policy chain's {@link BodyFilter}, a scratch buffer at a time, like
 * {@link BodyRelay} (the filter runs on this thread: back-pressure is the relay's own). The end of
 * the body (the last chunk, or, unchunked, the last bytes' flush) is sent only after the filter's
 * {@code end()} passed: a rejected body never reaches its receiver complete.
 */
final class FilteredBody {
    private static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};

    private FilteredBody() {
    }

    /**
     * Sends {@code first} (bytes already read: a request's prefix) and the rest of {@code body}
     * through {@code filter}; {@code chunked} frames what goes out in chunks ending with the last
     * chunk, else it goes out as it is (the receiver knows the end by the connection closing).
     *
     * @return the bytes sent (after the filter)
     * @throws BodyRejectedException the filter refused the body: the last chunk was not sent
     */
    static long relay(byte[] first, int firstLength, BodyReader body, OutputStream out, byte[] scratch, boolean chunked,
            BodyFilter filter) throws IOException, BodyRejectedException {
        long sent = 0;
        for (int off = 0; off < firstLength; off += scratch.length) { // the filter sees no piece larger than scratch
            sent += send(out, filter.data(ByteBuffer.wrap(first, off, Math.min(scratch.length, firstLength - off))), chunked);
        }
        for (int n; (n = body.read(scratch, 0, scratch.length)) >= 0; ) {
            sent += send(out, filter.data(ByteBuffer.wrap(scratch, 0, n)), chunked);
        }
        sent += send(out, filter.end(), chunked);
        if (chunked) {
            BodyRelay.write(out, LAST_CHUNK);
        }
        BodyRelay.flush(out);
        return sent;
    }

    /** Writes and flushes what the filter gave (the chunk it was given, or other bytes). */
    private static int send(OutputStream out, ByteBuffer b, boolean chunked) throws IOException {
        int n = b.remaining();
        if (n == 0) {
            return 0;
        }
        byte[] bytes;
        int off;
        if (b.hasArray()) {
            bytes = b.array();
            off = b.arrayOffset() + b.position();
        } else {
            bytes = new byte[n];
            b.duplicate().get(bytes);
            off = 0;
        }
        if (chunked) {
            BodyRelay.write(out, PolicyExchange.ascii(Integer.toHexString(n) + "\r\n"));
            writeRange(out, bytes, off, n);
            BodyRelay.write(out, new byte[] {'\r', '\n'});
        } else {
            writeRange(out, bytes, off, n);
        }
        BodyRelay.flush(out);
        return n;
    }

    private static void writeRange(OutputStream out, byte[] b, int off, int n) throws IOException {
        try {
            out.write(b, off, n);
        } catch (IOException e) {
            throw new WriteFailedException(e);
        }
    }
}
