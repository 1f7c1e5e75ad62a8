package io.loomtunnel.mux;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A stream's send direction as an OutputStream. Every write goes out at once (frames are
 * coalesced below, per session), so flush has nothing to do. Closing it half-closes the stream
 * (FIN), which is what a proxy copying one socket into a stream wants at end of input.
 */
final class StreamOutput extends OutputStream {
    private final MuxStream stream;

    StreamOutput(MuxStream stream) {
        this.stream = stream;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        stream.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
        stream.shutdownOutput();
    }
}
