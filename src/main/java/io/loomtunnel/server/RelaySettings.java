package io.loomtunnel.server;

/**
 * How much relaying of peer-to-peer sessions the server does for each peer id (docs/P2P.md,
 * "Relay"). A relayed session counts against both its peers; each peer's bytes into the relay,
 * over all its relayed sessions, pass one token bucket.
 *
 * @param maxPerPeer relayed sessions one peer id may be part of at once; 0 turns relaying off
 * @param bytesPerSecondPerPeer what one peer may send through the relay per second (bursts of a
 *     quarter second's worth, at least 64 KiB, pass at once)
 */
public record RelaySettings(int maxPerPeer, long bytesPerSecondPerPeer) {
    public static final RelaySettings DEFAULTS = new RelaySettings(16, 8L << 20);
    /** The smallest rate: one full frame of data per second. */
    public static final long MIN_RATE = 64 * 1024;

    /** Checks the limits: no negative session count, a rate of at least {@link #MIN_RATE}. */
    public RelaySettings {
        if (maxPerPeer < 0) {
            throw new IllegalArgumentException("relayed sessions per peer must be 0 (no relaying) or more, got " + maxPerPeer);
        }
        if (bytesPerSecondPerPeer < MIN_RATE) {
            throw new IllegalArgumentException("relay rate per peer must be at least " + MIN_RATE + " bytes/s, got "
                    + bytesPerSecondPerPeer);
        }
    }

    /** The bucket's depth: a quarter second of the rate, at least 64 KiB. */
    long burst() {
        return Math.max(MIN_RATE, bytesPerSecondPerPeer / 4);
    }
}
