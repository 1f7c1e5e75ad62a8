package io.loomtunnel.server;

import io.loomtunnel.tunnel.PortRanges;
import java.io.IOException;
import java.net.BindException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Binds a tunnel's port: the one asked for if the grant allows it, or for port 0 a free allowed
 * one: the preferred port (the one the tunnel had before a reconnect) if it is allowed and free,
 * else one at random.
 */
final class PortBinder {
    /** Random ports tried for "any port" before giving up. */
    private static final int ATTEMPTS = 64;

    /** Binds one port, throwing BindException when it is taken. */
    interface Bind<T> {
        T bind(int port) throws IOException;
    }

    private PortBinder() {}

    /** @param preferred with {@code requested} 0, the port to try first (null: none) */
    static <T> T bind(int requested, Integer preferred, PortRanges allowed, Bind<T> binder) throws IOException, RefusedException {
        if (requested == 0 && preferred != null && allowed.contains(preferred)) {
            try {
                return binder.bind(preferred);
            } catch (BindException taken) {
                // taken meanwhile: any other port, and the client says that it moved
            }
        }
        if (requested != 0) {
            if (!allowed.contains(requested)) {
                throw new RefusedException("port " + requested + " is not allowed (allowed: " + allowed + ")");
            }
            try {
                return binder.bind(requested);
            } catch (BindException e) {
                throw new RefusedException("port " + requested + " is already in use on the server");
            }
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int size = allowed.ranges().stream().mapToInt(r -> r.last() - r.first() + 1).sum();
        for (int i = 0; i < ATTEMPTS; i++) {
            int port = nth(allowed, random.nextInt(size));
            try {
                return binder.bind(port);
            } catch (BindException taken) {
                // try another
            }
        }
        throw new RefusedException("no free port among " + allowed + " after " + ATTEMPTS + " tries");
    }

    private static int nth(PortRanges allowed, int n) {
        for (PortRanges.Range r : allowed.ranges()) {
            int width = r.last() - r.first() + 1;
            if (n < width) {
                return r.first() + n;
            }
            n -= width;
        }
        throw new IllegalStateException("index beyond the ranges");
    }

    /** The tunnel cannot be had; the message is for the client's user. */
    static final class RefusedException extends Exception {
        RefusedException(String message) {
            super(message);
        }
    }
}
