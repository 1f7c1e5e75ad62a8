package io.loomtunnel.session;

import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link SessionListener} allows connections that have not authenticated yet, against
 * strangers who open connections and say nothing, or guess tokens (docs/SECURITY.md, "Control port
 * before authentication"; OpenSSH's MaxStartups and PerSourcePenalties). A <em>source</em> is a
 * remote IPv4 address, or an IPv6 /64 (one host usually has a whole /64).
 *
 * @param maxSetups set-ups in progress at once; when all are taken, a new connection closes the
 *     oldest set-up that has sent nothing yet, else the oldest one, never the newcomer
 * @param maxSetupsPerSource set-ups in progress at once from one source while at least half of
 *     {@code maxSetups} are taken; the source's next connections are then closed at once (while
 *     more than half are free a source may take more, so many clients behind one address can all
 *     connect to an idle server at once)
 * @param firstByteTimeout a connection that sends nothing for this long is closed (the whole
 *     set-up is bounded by the handshake timeout, {@link io.loomtunnel.tls.TlsConfig})
 * @param failuresBeforePenalty after this many failed set-ups from a source, each within
 *     {@code penalty} of the one before, the source is penalized; 0 turns penalties off
 * @param penalty how long a penalized source's connections are closed at once
 * @param maxSources sources with recent failures or a penalty remembered at once (at least
 *     {@code maxSetups}, so that the sources of as many failing set-ups all fit); when full, the
 *     one heard from least recently is forgotten. Sources with set-ups in progress are counted
 *     apart, at most {@code maxSetups} of them
 * @param reportInterval refusals are reported (logged) one per source in each interval, and the
 *     rest of the interval's as one summary line per source
 */
public record SetupLimits(int maxSetups, int maxSetupsPerSource, Duration firstByteTimeout,
                          int failuresBeforePenalty, Duration penalty, int maxSources, Duration reportInterval) {

    /** Checks the limits: counts of at least 1 (failures at least 0), durations above zero, room for the sources of every set-up. */
    public SetupLimits {
        atLeast("max set-ups", maxSetups, 1);
        atLeast("max set-ups per source", maxSetupsPerSource, 1);
        atLeast("failures before a penalty", failuresBeforePenalty, 0);
        atLeast("max sources (at least max set-ups)", maxSources, maxSetups);
        positive("first byte timeout", firstByteTimeout);
        positive("penalty", penalty);
        positive("report interval", reportInterval);
    }

    /**
     * The defaults: 256 set-ups, 32 per source, the first byte within 3 s, a 60 s penalty after 10
     * failures, 65,536 sources remembered, reports every 10 s.
     *
     * @return the defaults
     */
    public static SetupLimits defaults() {
        return builder().build();
    }

    /**
     * A builder that starts from the defaults.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    private static void atLeast(String what, int n, int min) {
        if (n < min) {
            throw new IllegalArgumentException(what + " must be at least " + min + ", got " + n);
        }
    }

    private static void positive(String what, Duration d) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.toMillis() < 1) {
            throw new IllegalArgumentException(what + " must be at least 1 ms, got " + d);
        }
    }

    /** Builds SetupLimits from the defaults. */
    public static final class Builder {
        private int maxSetups = 256;
        private int maxSetupsPerSource = 32;
        private Duration firstByteTimeout = Duration.ofSeconds(3);
        private int failuresBeforePenalty = 10;
        private Duration penalty = Duration.ofSeconds(60);
        private int maxSources = 65_536;
        private Duration reportInterval = Duration.ofSeconds(10);

        private Builder() {}

        /**
         * Set-ups in progress at once.
         *
         * @param n the limit
         * @return this builder
         */
        public Builder maxSetups(int n) { maxSetups = n; return this; }
        /**
         * Set-ups in progress at once from one source, while at least half the slots are taken.
         *
         * @param n the limit
         * @return this builder
         */
        public Builder maxSetupsPerSource(int n) { maxSetupsPerSource = n; return this; }
        /**
         * How long a new connection may stay silent.
         *
         * @param d the timeout
         * @return this builder
         */
        public Builder firstByteTimeout(Duration d) { firstByteTimeout = d; return this; }
        /**
         * Failed set-ups from one source before it is penalized; 0 turns penalties off.
         *
         * @param n the count
         * @return this builder
         */
        public Builder failuresBeforePenalty(int n) { failuresBeforePenalty = n; return this; }
        /**
         * How long a penalized source's connections are closed at once.
         *
         * @param d the penalty
         * @return this builder
         */
        public Builder penalty(Duration d) { penalty = d; return this; }
        /**
         * Sources with recent failures or a penalty remembered at once.
         *
         * @param n the limit
         * @return this builder
         */
        public Builder maxSources(int n) { maxSources = n; return this; }
        /**
         * How often refusals are summarized.
         *
         * @param d the interval
         * @return this builder
         */
        public Builder reportInterval(Duration d) { reportInterval = d; return this; }

        /**
         * Builds the limits.
         *
         * @return the limits
         * @throws IllegalArgumentException when a limit is out of range
         */
        public SetupLimits build() {
            return new SetupLimits(maxSetups, maxSetupsPerSource, firstByteTimeout, failuresBeforePenalty, penalty,
                    maxSources, reportInterval);
        }
    }
}
