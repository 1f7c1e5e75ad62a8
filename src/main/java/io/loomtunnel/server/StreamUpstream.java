package io.loomtunnel.server;

import io.loomtunnel.http.Upstream;
import io.loomtunnel.mux.MuxStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/** A stream to the client, as the HTTP ingress's upstream for one request; closing it gives back the client's stream permit. */
final class StreamUpstream implements Upstream {
    private final MuxStream stream;
    private final Runnable release;
    private final AtomicBoolean closed = new AtomicBoolean();

    StreamUpstream(MuxStream stream, Runnable release) {
        this.stream = stream;
        this.release = release;
    }

    @Override
    public InputStream input() {
        return stream.input();
    }

    @Override
    public OutputStream output() {
        return stream.output();
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
}
