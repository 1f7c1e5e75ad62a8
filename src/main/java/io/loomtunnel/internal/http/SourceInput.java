package io.loomtunnel.internal.http;

import java.io.IOException;
import java.io.InputStream;

/** An InputStream over anything with InputStream's bulk read (a BufferedInput, a BytePipe). */
final class SourceInput extends InputStream {
    /** InputStream.read(byte[], int, int)'s contract. */
    @FunctionalInterface
    interface Source {
        int read(byte[] b, int off, int len) throws IOException;
    }

    private final Source source;

    SourceInput(Source source) {
        this.source = source;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        return source.read(b, off, len);
    }
}
