package io.loomtunnel.server;

import io.loomtunnel.internal.http.ServiceUnreachableException;
import io.loomtunnel.internal.http.Upstream;
import io.loomtunnel.internal.metrics.Tally;
import io.loomtunnel.internal.metrics.TunnelCounters;
import io.loomtunnel.internal.tunnel.ServiceFailure;
import io.loomtunnel.mux.MuxStream;
import io.loomtunnel.mux.StreamResetException;
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
 * (the response) as its "out". A read that finds the stream reset by the client says why in
 * words, without the stream's id: a {@link ServiceUnreachableException} when the client could not
 * reach the app (docs/protocol/TUNNEL.md 8.2), which the ingress answers with a worded 502.
 *
 * Kept idle between requests by its tunnel's {@link io.loomtunnel.internal.http.UpstreamPool}, it
 * holds the permit until closed; {@link #isOpen} tells whether the client ended it meanwhile.
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
    public void abortRead() {
        stream.failReads(new IOException("the read's deadline passed"));
    }

    @Override
    public boolean isOpen() {
        try {
            return !closed.get() && stream.isOpen() && stream.input().available() == 0;
        } catch (IOException e) {
            return false;
        }
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

    /** The client's reset of the stream, in words for the ingress; any other failure as it is. */
    private static IOException worded(IOException e) {
        if (!(e instanceof StreamResetException reset) || !reset.byPeer()) {
            return e;
        }
        ServiceFailure failure = ServiceFailure.of(reset.code());
        return failure != null ? new ServiceUnreachableException(failure.words)
                : new IOException("the tunnel's client reset the stream (" + reset.code() + ")", e);
    }

    /** Counts what each read returns; says a reset by the client in words. */
    private static final class CountingInput extends FilterInputStream {
        private final Tally tally;

        CountingInput(InputStream in, Tally tally) {
            super(in);
            this.tally = tally;
        }

        @Override
        public int read() throws IOException {
            int b;
            try {
                b = in.read();
            } catch (IOException e) {
                throw worded(e);
            }
            if (b >= 0) {
                tally.increment();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = in.read(b, off, len);
            } catch (IOException e) {
                throw worded(e);
            }
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
