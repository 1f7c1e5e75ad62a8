package io.loomtunnel.server;

import io.loomtunnel.internal.http.HttpIngressConfig;
import java.time.Duration;

/**
 * The limits and timeouts of the server's HTTP ingress, each against a visitor that is slow,
 * large or silent (docs/HTTP.md, "Limits and defaults"; docs/SECURITY.md, "HTTP ingress").
 *
 * @param headerTimeout the whole request head must arrive within this time (else 408)
 * @param maxHeadBytes the largest request or response head, chunk-size line or trailer section (else 431)
 * @param idleTimeout how long a keep-alive connection may wait for its next request
 * @param bodyBufferBytes request bodies up to this size are read whole before the app is contacted;
 *     of a larger one, this much is read first
 * @param bodyTimeout how far a request body may fall behind {@code minBodyRate} (so also the longest
 *     wait for its next byte) before the visitor gets 408
 * @param sendTimeout how far a visitor may fall behind {@code minBodyRate} in reading what is sent
 *     to it (so also the longest a write to it may block) before its connection is closed
 * @param minBodyRate bytes per second a visitor must keep up on average, sending a request body or
 *     reading a response
 * @param upstreamTimeout how long the app may take to send its response head (else 504), and each
 *     part of its body but a message stream's (SSE, gRPC) to an HTTP/2 visitor, which may pause as long as the app likes
 * @param maxConnectionsPerSource connections one source (an IPv4 address, an IPv6 /64) may have
 *     open to the ingress at once; more are closed as soon as they are accepted
 */
public record HttpLimits(Duration headerTimeout, int maxHeadBytes, Duration idleTimeout, int bodyBufferBytes,
        Duration bodyTimeout, Duration sendTimeout, long minBodyRate, Duration upstreamTimeout, int maxConnectionsPerSource) {

    /**
     * 10 s head, 32 KiB head, 60 s idle, 64 KiB body buffer, 30 s body and send timeouts, 4 KiB/s, 30 s upstream,
     * 256 connections per source.
     */
    public static final HttpLimits DEFAULTS = of(HttpIngressConfig.defaults());

    /**
     * Checks the limits as the ingress does: timeouts above zero, heads of at least 256 bytes, a rate and a
     * connection limit of at least 1.
     */
    public HttpLimits {
        ingressConfig(headerTimeout, maxHeadBytes, idleTimeout, bodyBufferBytes, bodyTimeout, sendTimeout, minBodyRate,
                upstreamTimeout, maxConnectionsPerSource);
    }

    /**
     * A builder starting from {@link #DEFAULTS}.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** The ingress's configuration for these limits, for plain HTTP. */
    HttpIngressConfig ingressConfig() {
        return ingressConfig(headerTimeout, maxHeadBytes, idleTimeout, bodyBufferBytes, bodyTimeout, sendTimeout, minBodyRate,
                upstreamTimeout, maxConnectionsPerSource);
    }

    private static HttpIngressConfig ingressConfig(Duration headerTimeout, int maxHeadBytes, Duration idleTimeout,
            int bodyBufferBytes, Duration bodyTimeout, Duration sendTimeout, long minBodyRate, Duration upstreamTimeout,
            int maxConnectionsPerSource) {
        return new HttpIngressConfig(headerTimeout, maxHeadBytes, idleTimeout, bodyBufferBytes, bodyTimeout, sendTimeout,
                minBodyRate, upstreamTimeout, maxConnectionsPerSource, "http");
    }

    private static HttpLimits of(HttpIngressConfig c) {
        return new HttpLimits(c.headerTimeout(), c.maxHeadBytes(), c.idleTimeout(), c.bodyBufferBytes(), c.bodyTimeout(),
                c.sendTimeout(), c.minBodyRate(), c.upstreamTimeout(), c.maxConnectionsPerSource());
    }

    /** Builds HttpLimits; every limit starts at its default. */
    public static final class Builder {
        private Duration headerTimeout = DEFAULTS.headerTimeout;
        private int maxHeadBytes = DEFAULTS.maxHeadBytes;
        private Duration idleTimeout = DEFAULTS.idleTimeout;
        private int bodyBufferBytes = DEFAULTS.bodyBufferBytes;
        private Duration bodyTimeout = DEFAULTS.bodyTimeout;
        private Duration sendTimeout = DEFAULTS.sendTimeout;
        private long minBodyRate = DEFAULTS.minBodyRate;
        private Duration upstreamTimeout = DEFAULTS.upstreamTimeout;
        private int maxConnectionsPerSource = DEFAULTS.maxConnectionsPerSource;

        private Builder() {}

        /**
         * The time for a whole request head.
         *
         * @param d the timeout
         * @return this builder
         */
        public Builder headerTimeout(Duration d) { headerTimeout = d; return this; }
        /**
         * The largest head, chunk-size line or trailer section.
         *
         * @param n bytes, at least 256
         * @return this builder
         */
        public Builder maxHeadBytes(int n) { maxHeadBytes = n; return this; }
        /**
         * How long a keep-alive connection may wait for its next request.
         *
         * @param d the timeout
         * @return this builder
         */
        public Builder idleTimeout(Duration d) { idleTimeout = d; return this; }
        /**
         * How much of a request body is read before the app is contacted.
         *
         * @param n bytes, 0 or more
         * @return this builder
         */
        public Builder bodyBufferBytes(int n) { bodyBufferBytes = n; return this; }
        /**
         * How far a request body may fall behind the minimum rate.
         *
         * @param d the timeout
         * @return this builder
         */
        public Builder bodyTimeout(Duration d) { bodyTimeout = d; return this; }
        /**
         * How far a visitor may fall behind the minimum rate in reading what is sent to it.
         *
         * @param d the timeout
         * @return this builder
         */
        public Builder sendTimeout(Duration d) { sendTimeout = d; return this; }
        /**
         * The bytes per second a visitor must keep up on average.
         *
         * @param bytesPerSecond at least 1
         * @return this builder
         */
        public Builder minBodyRate(long bytesPerSecond) { minBodyRate = bytesPerSecond; return this; }
        /**
         * How long the app may take to answer.
         *
         * @param d the timeout
         * @return this builder
         */
        public Builder upstreamTimeout(Duration d) { upstreamTimeout = d; return this; }
        /**
         * How many connections one source (an IPv4 address, an IPv6 /64) may have open at once.
         *
         * @param n at least 1
         * @return this builder
         */
        public Builder maxConnectionsPerSource(int n) { maxConnectionsPerSource = n; return this; }

        /**
         * Builds the limits.
         *
         * @return the limits
         * @throws IllegalArgumentException when a limit is out of range
         */
        public HttpLimits build() {
            return new HttpLimits(headerTimeout, maxHeadBytes, idleTimeout, bodyBufferBytes, bodyTimeout, sendTimeout,
                    minBodyRate, upstreamTimeout, maxConnectionsPerSource);
        }
    }
}
