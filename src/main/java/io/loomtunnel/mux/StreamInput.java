package io.loomtunnel.mux;

import java.io.IOException;
import java.io.InputStream;

/** A stream's receive direction as an InputStream; closing it closes the stream, as with a Socket. */
final class StreamInput extends InputStream {
    private final MuxStream stream;

    StreamInput(MuxStream stream) {
        this.stream = stream;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        return len == 0 ? 0 : stream.read(b, off, len);
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, stream.available());
    }

    @Override
    public void close() throws IOException {
        stream.close();
    }
}
