package io.loomtunnel.internal.inspect;

import io.loomtunnel.internal.tunnel.SpliceTap;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A client's request inspector (docs/DASHBOARD.md, "Inspector"): hands a {@link StreamTap} to
 * each stream of an HTTP tunnel it captures, keeps what they see in a bounded {@link
 * ExchangeStore}, replays a request to the tunnel's local service, answers {@code /api/requests}
 * ({@link #api()}) and tells its listeners of each exchange as it starts and as it ends.
 *
 * <p>Threads: stream taps call in from the splice threads; replays run on the {@link Replayer}'s
 * own. No lock of its own: the store and each exchange guard themselves; listeners are a
 * copy-on-write list.
 */
public final class Inspector implements AutoCloseable {
    public static final int DEFAULT_BODY_CAP = 64 * 1024;
    public static final int DEFAULT_MAX_EXCHANGES = 1_000;
    public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;

    /**
     * What the inspector captures and keeps.
     *
     * @param enabled false: nothing is captured
     * @param offTunnels tunnels not captured
     * @param bodyCap the bytes kept of each body at most
     * @param unmask show credentials and cookies instead of masking them
     * @param maxExchanges exchanges kept at most (the oldest go)
     * @param maxBytes heads and captured bodies kept at most, in bytes
     */
    public record Config(boolean enabled, Set<String> offTunnels, int bodyCap, boolean unmask, int maxExchanges, long maxBytes) {
        public Config {
            offTunnels = Set.copyOf(offTunnels);
            if (bodyCap < 0) {
                throw new IllegalArgumentException("the inspector's body cap cannot be negative");
            }
        }

        /** The defaults: capture every HTTP tunnel, 64 KiB per body, masked, 1,000 exchanges and 64 MiB at most. */
        public static Config defaults() {
            return new Config(true, Set.of(), DEFAULT_BODY_CAP, false, DEFAULT_MAX_EXCHANGES, DEFAULT_MAX_BYTES);
        }
    }

    private final Config config;
    private final ExchangeStore store;
    private final Function<String, InetSocketAddress> services;
    private final AtomicLong ids = new AtomicLong();
    private final List<Consumer<ExchangeSummary>> listeners = new CopyOnWriteArrayList<>();
    private final Replayer replayer = new Replayer(this);
    private final InspectorApi api = new InspectorApi(this);

    /** @param services a tunnel's local service by tunnel name (null for a tunnel that is gone), for replays */
    public Inspector(Config config, Function<String, InetSocketAddress> services) {
        this.config = config;
        this.store = new ExchangeStore(config.maxExchanges(), config.maxBytes());
        this.services = services;
    }

    /** Whether the streams of the HTTP tunnel {@code tunnel} are captured. */
    public boolean captures(String tunnel) {
        return config.enabled() && !config.offTunnels().contains(tunnel);
    }

    /** A tap for one new stream of the HTTP tunnel {@code tunnel} ({@link SpliceTap#NONE} when it is not captured). */
    public SpliceTap tap(String tunnel) {
        return captures(tunnel) ? new StreamTap(this, tunnel, null) : SpliceTap.NONE;
    }

    /**
     * Tells {@code listener} of each exchange when it starts and when it ends (done or failed), on
     * the thread that saw it: a splice's thread, so the listener must return at once and never block
     * (the dashboard's event hub queues, or drops, per subscriber).
     */
    public void onChange(Consumer<ExchangeSummary> listener) {
        listeners.add(listener);
    }

    /** The {@code /api/requests} routes. */
    public InspectorApi api() {
        return api;
    }

    Config config() {
        return config;
    }

    ExchangeStore store() {
        return store;
    }

    Replayer replayer() {
        return replayer;
    }

    /** The local service of {@code tunnel}, or null when it is not a tunnel now. */
    InetSocketAddress service(String tunnel) {
        return services.apply(tunnel);
    }

    /** A new exchange, stored. */
    Exchange begin(String tunnel, MessageHead request, String replayOf) {
        Exchange e = new Exchange("r" + ids.incrementAndGet(), tunnel, replayOf, request, config.bodyCap());
        store.add(e, request.size());
        return e;
    }

    void grew(Exchange e, long captured) {
        if (captured > 0) {
            store.grew(e, captured);
        }
    }

    /** {@code e} started or ended: tell the listeners. */
    void changed(Exchange e) {
        if (listeners.isEmpty()) {
            return;
        }
        ExchangeSummary summary = ExchangeSummary.of(e.snapshot(false));
        for (Consumer<ExchangeSummary> l : listeners) {
            try {
                l.accept(summary);
            } catch (RuntimeException ignored) {
                // a listener's failure is its own; the capture goes on
            }
        }
    }

    /** Ends the replays in flight and joins their threads. */
    @Override
    public void close() {
        replayer.close();
    }
}
