package io.loomtunnel.internal.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A route to a loopback app that, like a tunnel client's stream limit, holds at most {@code limit}
 * upstreams at once and refuses more with the server's own wording (which names the client and
 * its limit: what an error page must not show). Counts opens and live upstreams.
 */
final class LimitedRoute implements HttpRoute {
    static final String REFUSAL = "client peupr5shnmig has 50 connections, its limit";

    final AtomicInteger live = new AtomicInteger();
    final AtomicInteger opened = new AtomicInteger();
    private final String name;
    private final InetSocketAddress to;
    private final int limit;

    LimitedRoute(String name, InetSocketAddress to, int limit) {
        this.name = name;
        this.to = to;
        this.limit = limit;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Upstream open() throws IOException {
        if (live.incrementAndGet() > limit) {
            live.decrementAndGet();
            throw new IOException(REFUSAL);
        }
        opened.incrementAndGet();
        try {
            return new Counted(new SocketUpstream(to));
        } catch (IOException e) {
            live.decrementAndGet();
            throw e;
        }
    }

    /** Gives the slot back once, when closed. */
    private final class Counted implements Upstream {
        private final Upstream inner;
        private final AtomicBoolean closed = new AtomicBoolean();

        Counted(Upstream inner) {
            this.inner = inner;
        }

        @Override
        public InputStream input() {
            return inner.input();
        }

        @Override
        public OutputStream output() {
            return inner.output();
        }

        @Override
        public void shutdownOutput() throws IOException {
            inner.shutdownOutput();
        }

        @Override
        public void setReadTimeout(Duration timeout) {
            inner.setReadTimeout(timeout);
        }

        @Override
        public void close() throws IOException {
            if (closed.compareAndSet(false, true)) {
                live.decrementAndGet();
            }
            inner.close();
        }
    }
}
