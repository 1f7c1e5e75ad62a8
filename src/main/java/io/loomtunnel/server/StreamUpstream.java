package io.loomtunnel.server;

import io.loomtunnel.internal.http.Upstream;
import io.loomtunnel.internal.metrics.Tally;
import io.loomtunnel.internal.metrics.TunnelCounters;
import io.loomtunnel.mux.MuxStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A stream to the client, as the HTTP ingress's upstream for one request; closing it gives back
 * the client's stream permit. Bytes written (the request) count as the tunnel's "in", bytes read
 * (the response) as its "out".
 *
 * <p>Locking: none of its own (the stream's rules apply); {@code closed} gives the permit back once.
 */
final class StreamUpstream implements Upstream {
    private final MuxStream stream;
    private final InputStream input;
    private final OutputStream output;
    private final Runnable release;
    private final AtomicBoolean closed = new AtomicBoolean();

    StreamUpstream(MuxStream stream, TunnelCounters counters, Runnable release) {
        this.stream = stream;
        this.input = new CountingInput(stream.input(), counters.bytesOut());
        this.output = new CountingOutput(stream.output(), counters.bytesIn());
        this.release = release;
    }

    @Override
    public InputStream input() {
        return input;
    }

    @Override
    public OutputStream output() {
        return output;
    }

    @Override
    public void shutdownOutput() throws IOException {
        stream.shutdownOutput();
    }

    @Override
    public void setReadTimeout(Duration timeout) {
        stream.setReadTimeout(timeout);
    }

    @Override
    public void close() throws IOException {
        if (closed.compareAndSet(false, true)) {
            try {
                stream.close();
            } finally {
                release.run();
            }
        }
    }

    /** Counts what each read returns. */
    private static final class CountingInput extends FilterInputStream {
        private final Tally tally;

        CountingInput(InputStream in, Tally tally) {
            super(in);
            this.tally = tally;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                tally.increment();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                tally.add(n);
            }
            return n;
        }
    }

    /** Counts what each write passed on. */
    private static final class CountingOutput extends FilterOutputStream {
        private final Tally tally;

        CountingOutput(OutputStream out, Tally tally) {
            super(out);
            this.tally = tally;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            tally.increment();
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            tally.add(len);
        }

        @Override
        public void close() throws IOException {
            out.close(); // FilterOutputStream's close would flush first, which a closed stream refuses
        }
    }
}
