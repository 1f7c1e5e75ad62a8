package io.loomtunnel.internal.h2.upstream;

import io.loomtunnel.internal.h2.HeaderField;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The h2c connections of one tunnel to its local service: requests share the current one; a new
 * one is made when it takes no more streams (GOAWAY, idle timeout, failure, ids run out), while
 * the old ones drain. At most {@link #MAX_CONNECTIONS} at once.
 *
 * <p>Locking: {@code lock} guards the list and is held while connecting (so one connect at a time);
 * a connection's own locks are taken under it only by {@link H2cConnection#close}.
 */
public final class H2cPool implements Closeable {
    static final int MAX_CONNECTIONS = 4;

    /** The local service could not be connected; {@link #getCause} says why. */
    static final class UnreachableException extends IOException {
        private static final long serialVersionUID = 1L;

        UnreachableException(IOException cause) {
            super(cause.getMessage(), cause);
        }

        IOException reason() {
            return (IOException) getCause();
        }
    }

    private final InetSocketAddress service;
    private final H2cConnection.Limits limits;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<H2cConnection> connections = new ArrayList<>(); // under lock
    private H2cConnection current; // under lock
    private boolean closed; // under lock

    H2cPool(InetSocketAddress service, H2cConnection.Limits limits) {
        this.service = service;
        this.limits = limits;
    }

    InetSocketAddress service() {
        return service;
    }

    H2cConnection.Limits limits() {
        return limits;
    }

    /** A new stream to the service, on a fresh connection if the current one takes no more. */
    H2cStream open(List<HeaderField> fields, boolean endStream) throws IOException {
        for (int attempt = 0; attempt < 2; attempt++) {
            H2cStream s = usable().open(fields, endStream);
            if (s != null) {
                return s;
            }
        }
        throw new IOException("the h2c service takes no new streams");
    }

    private H2cConnection usable() throws IOException {
        lock.lock();
        try {
            if (closed) {
                throw new IOException("the tunnel's h2c connections are closed");
            }
            connections.removeIf(c -> {
                if (c.isShut()) {
                    c.close(); // its reader has ended or is ending: joined here
                    return true;
                }
                return false;
            });
            if (current != null && current.acceptsStreams()) {
                return current;
            }
            if (connections.size() >= MAX_CONNECTIONS) {
                throw new IOException(MAX_CONNECTIONS + " connections to the h2c service are still draining");
            }
            try {
                current = H2cConnection.connect(service, limits);
            } catch (IOException e) {
                throw new UnreachableException(e);
            }
            connections.add(current);
            return current;
        } finally {
            lock.unlock();
        }
    }

    /** Closes every connection (their streams are reset) and joins their readers. */
    @Override
    public void close() {
        List<H2cConnection> all;
        lock.lock();
        try {
            closed = true;
            all = List.copyOf(connections);
            connections.clear();
            current = null;
        } finally {
            lock.unlock();
        }
        all.forEach(H2cConnection::close);
    }
}
