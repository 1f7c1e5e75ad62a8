package io.loomtunnel.internal.http;

import java.io.EOFException;
import java.io.IOException;

/**
 * One message body read from a BufferedInput as its framing delimits it: the decoded bytes, then
 * -1 at its end (and nothing of the next message is read). Not thread-safe: one reader.
 */
final class BodyReader {
    private final BodyFraming framing;
    private final BufferedInput in;
    private final ChunkedInput chunks;
    private long left; // LENGTH: bytes still to come

    BodyReader(BodyFraming framing, BufferedInput in) {
        this.framing = framing;
        this.in = in;
        this.chunks = framing.kind() == BodyFraming.Kind.CHUNKED ? new ChunkedInput(in) : null;
        this.left = framing.kind() == BodyFraming.Kind.LENGTH ? framing.length() : 0;
    }

    /** Like InputStream.read; an end of stream before a delimited body's end is an EOFException. */
    int read(byte[] b, int off, int len) throws IOException {
        return switch (framing.kind()) {
            case NONE -> -1;
            case CLOSE -> in.read(b, off, len);
            case CHUNKED -> chunks.read(b, off, len);
            case LENGTH -> readLength(b, off, len);
        };
    }

    /** Whether the whole body has been read (known without reading further only for these framings). */
    boolean finished() {
        return switch (framing.kind()) {
            case NONE -> true;
            case LENGTH -> left == 0;
            case CHUNKED -> chunks.done();
            case CLOSE -> false;
        };
    }

    /** A chunked body's trailer fields once it has been read to its end; none for other framings. */
    Fields trailers() {
        return chunks == null ? new Fields(java.util.List.of()) : chunks.trailers();
    }

    private int readLength(byte[] b, int off, int len) throws IOException {
        if (left == 0) {
            return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, left));
        if (n < 0) {
            throw new EOFException("end of stream with " + left + " of " + framing.length() + " body bytes missing");
        }
        left -= n;
        return n;
    }
}
