package io.loomtunnel.internal.admin;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Penalties per source address for wrong credentials, as OpenSSH's PerSourcePenalties: each
 * failure pushes the source's penalty {@code perFailure} further into the future; once the
 * penalty reaches {@code blockAt} ahead, the source is refused, without a check, until all of it
 * has run out. Refused requests add nothing, so a guesser gets a few tries per block and the
 * right credential from another address is never held up. IPv4 sources count per address, IPv6
 * per /64 (one host usually has a whole /64). At most {@code maxSources} are tracked; when the
 * table is full of live penalties a new source goes unpenalised (OpenSSH's "permissive"
 * overflow), so the table cannot grow without bound.
 *
 * <p>Locking: {@code this} guards the table; a leaf, held for a look-up or an update only.
 */
final class SourcePenalties {
    private static final int IPV6_PREFIX_BYTES = 8;

    private final long perFailure;
    private final long blockAt;
    private final int maxSources;
    private final LongSupplier nanoTime;
    private final Map<String, Penalty> table = new LinkedHashMap<>();

    /** A source's penalty: until when (nanoTime), and whether it has reached a block. */
    private static final class Penalty {
        long until;
        boolean blocking;
    }

    SourcePenalties(Duration perFailure, Duration blockAt, int maxSources, LongSupplier nanoTime) {
        this.perFailure = perFailure.toNanos();
        this.blockAt = blockAt.toNanos();
        this.maxSources = maxSources;
        this.nanoTime = nanoTime;
    }

    /** How long {@code source} is still refused, or zero. */
    synchronized Duration blocked(InetAddress source) {
        long now = nanoTime.getAsLong();
        String key = key(source);
        Penalty p = table.get(key);
        if (p == null) {
            return Duration.ZERO;
        }
        if (p.until - now <= 0) {
            table.remove(key);
            return Duration.ZERO;
        }
        return p.blocking ? Duration.ofNanos(p.until - now) : Duration.ZERO;
    }

    /** Counts a wrong credential from {@code source}; true when that started a block. */
    synchronized boolean failed(InetAddress source) {
        long now = nanoTime.getAsLong();
        String key = key(source);
        Penalty p = table.get(key);
        if (p == null || p.until - now <= 0) {
            if (p == null && table.size() >= maxSources && !dropExpired(now)) {
                return false;
            }
            p = new Penalty();
            p.until = now;
            table.put(key, p);
        }
        p.until += perFailure;
        boolean started = !p.blocking && p.until - now >= blockAt;
        p.blocking |= started;
        return started;
    }

    /** Removes the penalties that ran out; true when that made room. */
    private boolean dropExpired(long now) {
        table.values().removeIf(p -> p.until - now <= 0);
        return table.size() < maxSources;
    }

    private static String key(InetAddress source) {
        byte[] b = source.getAddress();
        return HexFormat.of().formatHex(b.length == 4 ? b : Arrays.copyOf(b, IPV6_PREFIX_BYTES));
    }
}
