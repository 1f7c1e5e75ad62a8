package io.loomtunnel.plugin;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Per-key state (a visitor's address, a tunnel's name) with a cap and an expiry, for rate limits
 * and breakers: a key not used for {@code expiry} is forgotten, and past {@code cap} keys the least
 * recently used is forgotten, so strangers cannot grow it.
 *
 * <p>Thread-safe: one lock, held only to find or make the entry (a leaf lock: {@code create} runs
 * under it and must not take another). The state objects themselves guard their own fields.
 *
 * @param <K> the key type
 * @param <V> the state type
 */
public final class VisitorState<K, V> {
    private final int cap;
    private final long expiryNanos;
    private final Function<? super K, ? extends V> create;
    private final LongSupplier clock;
    private final LinkedHashMap<K, Entry<V>> map = new LinkedHashMap<>(16, 0.75f, true);

    private static final class Entry<V> {
        final V value;
        long used;

        Entry(V value, long used) {
            this.value = value;
            this.used = used;
        }
    }

    private VisitorState(int cap, Duration expiry, Function<? super K, ? extends V> create, LongSupplier clock) {
        if (cap < 1) {
            throw new IllegalArgumentException("cap must be at least 1");
        }
        if (expiry.isNegative() || expiry.isZero()) {
            throw new IllegalArgumentException("expiry must be above zero");
        }
        this.cap = cap;
        this.expiryNanos = expiry.toNanos();
        this.create = Objects.requireNonNull(create, "create");
        this.clock = clock;
    }

    /**
     * A table on the system's monotonic clock.
     *
     * @param cap the most keys kept
     * @param expiry how long an unused key is kept
     * @param create makes a key's state when it is first used (or again after it was forgotten)
     * @param <K> the key type
     * @param <V> the state type
     * @return the table
     */
    public static <K, V> VisitorState<K, V> create(int cap, Duration expiry, Function<? super K, ? extends V> create) {
        return new VisitorState<>(cap, expiry, create, System::nanoTime);
    }

    /**
     * A table on a given clock, for tests.
     *
     * @param cap the most keys kept
     * @param expiry how long an unused key is kept
     * @param create makes a key's state
     * @param nanoClock a monotonic clock in nanoseconds
     * @param <K> the key type
     * @param <V> the state type
     * @return the table
     */
    public static <K, V> VisitorState<K, V> create(int cap, Duration expiry, Function<? super K, ? extends V> create,
            LongSupplier nanoClock) {
        return new VisitorState<>(cap, expiry, create, nanoClock);
    }

    /**
     * The key's state, made if absent or expired; counts as a use.
     *
     * @param key the key
     * @return its state
     */
    public V get(K key) {
        long now = clock.getAsLong();
        synchronized (map) {
            expire(now);
            Entry<V> e = map.get(key);
            if (e == null) {
                e = new Entry<>(create.apply(key), now);
                map.put(key, e);
                if (map.size() > cap) {
                    Iterator<Map.Entry<K, Entry<V>>> eldest = map.entrySet().iterator();
                    eldest.next();
                    eldest.remove();
                }
            }
            e.used = now;
            return e.value;
        }
    }

    /**
     * How many keys are kept now.
     *
     * @return the count
     */
    public int size() {
        synchronized (map) {
            expire(clock.getAsLong());
            return map.size();
        }
    }

    /** Drops the least recently used entries idle for longer than the expiry (the map is in use order). */
    private void expire(long now) {
        Iterator<Entry<V>> it = map.values().iterator();
        while (it.hasNext()) {
            Entry<V> e = it.next();
            if (now - e.used < expiryNanos) {
                return;
            }
            it.remove();
        }
    }
}
