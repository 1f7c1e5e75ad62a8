package io.loomtunnel.internal.h2.upstream;

import java.io.Closeable;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A client's h2c tunnels (TOML {@code local_protocol = "h2c"}, flag {@code --h2c NAME}): which
 * tunnels' local services speak HTTP/2 with prior knowledge, and one {@link H2cPool} of
 * connections for each, made at its first request and closed with the client.
 *
 * <p>Thread safety: safe for any thread (a concurrent map; a pool replaced for a tunnel whose local
 * address changed is closed outside it).
 */
public final class H2cServices implements Closeable {
    private final Set<String> tunnels;
    private final H2cConnection.Limits limits;
    private final Map<String, H2cPool> pools = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public H2cServices(Set<String> tunnels) {
        this(tunnels, H2cConnection.Limits.defaults());
    }

    H2cServices(Set<String> tunnels, H2cConnection.Limits limits) {
        this.tunnels = Set.copyOf(tunnels);
        this.limits = limits;
    }

    /** Whether tunnel {@code name}'s local service speaks h2c. */
    public boolean serves(String name) {
        return tunnels.contains(name);
    }

    /** The connections of tunnel {@code name} to {@code service}. */
    public H2cPool pool(String name, InetSocketAddress service) {
        H2cPool[] replaced = new H2cPool[1];
        H2cPool p = pools.compute(name, (n, old) -> {
            if (old != null && old.service().equals(service)) {
                return old;
            }
            replaced[0] = old;
            return new H2cPool(service, limits);
        });
        if (replaced[0] != null) {
            replaced[0].close();
        }
        if (closed) {
            p.close();
        }
        return p;
    }

    /** Closes every tunnel's connections. */
    @Override
    public void close() {
        closed = true;
        pools.values().forEach(H2cPool::close);
    }
}
