package io.loomtunnel.internal.limits;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Connections open at once per source ({@link Sources}: an IPv4 address, an IPv6 /64), at most
 * {@code perSource} each, counted when accepted and until closed (HAProxy's {@code src_conn_cur}
 * check, nginx's {@code limit_conn} per address). The table holds only sources with a connection
 * open, and at most {@code maxSources} of them: a new source while it is full is refused like one
 * at its limit (as nginx refuses when its zone is full). Used by the TCP tunnels and the HTTP ingress.
 *
 * <p>Locking: {@code this} guards the table; a leaf, held for a look-up and an update only.
 */
public final class SourceLimit {
    /** Sources one table counts at once; each needs a connection open, so this many connections first. */
    public static final int MAX_SOURCES = 65_536;

    private final int perSource;
    private final int maxSources;
    private final Map<String, Integer> open = new HashMap<>();

    /** At most {@code perSource} connections per source, {@link #MAX_SOURCES} sources. */
    public SourceLimit(int perSource) {
        this(perSource, MAX_SOURCES);
    }

    SourceLimit(int perSource, int maxSources) {
        if (perSource < 1 || maxSources < 1) {
            throw new IllegalArgumentException("limits must be at least 1: " + perSource + ", " + maxSources);
        }
        this.perSource = perSource;
        this.maxSources = maxSources;
    }

    /** Counts a connection from {@code address} until its slot is closed; null when its source is at its limit or the table full. */
    public Slot enter(InetAddress address) {
        String source = Sources.of(address);
        synchronized (this) {
            Integer n = open.get(source);
            if (n == null ? open.size() >= maxSources : n >= perSource) {
                return null;
            }
            open.put(source, n == null ? 1 : n + 1);
        }
        return new Slot(source);
    }

    /** Sources with a connection open. */
    synchronized int sources() {
        return open.size();
    }

    private synchronized void leave(String source) {
        open.computeIfPresent(source, (s, n) -> n == 1 ? null : n - 1);
    }

    /** One counted connection: closing it (the first time; again does nothing) gives its place back. */
    public final class Slot implements AutoCloseable {
        private final String source;
        private final AtomicBoolean closed = new AtomicBoolean();

        private Slot(String source) {
            this.source = source;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                leave(source);
            }
        }
    }
}
