package io.loomtunnel.internal.http;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits and settings of an {@link HttpIngress} (docs/HTTP.md, "Limits and defaults").
 *
 * @param headerTimeout   the whole request head must arrive within this time (else 408)
 * @param maxHeadBytes    the largest request or response head, and the largest chunk line or trailer section (else 431)
 * @param idleTimeout     how long a keep-alive connection may wait for its next request
 * @param bodyBufferBytes request bodies up to this size are read whole before the app is contacted; of a larger
 *                        one, this much is read first
 * @param bodyTimeout     how far a request body may fall behind {@code minBodyRate} (so also the longest wait for
 *                        its next byte) before the visitor gets 408
 * @param sendTimeout     how far a visitor may fall behind {@code minBodyRate} in taking what the ingress sends
 *                        (so also the longest a write may block) before its connection is closed
 * @param minBodyRate     bytes per second a visitor must keep up, on average, sending a request body and reading a
 *                        response (time the app makes the ingress wait does not count)
 * @param upstreamTimeout how long the upstream may take to send its response head (else 504), and to send each part of its body but a message stream's (SSE, gRPC) to an HTTP/2 visitor
 * @param maxConnectionsPerSource connections one source (an IPv4 address, an IPv6 /64) may have open at once; more
 *                        are closed as soon as they are accepted
 * @param scheme          the value of X-Forwarded-Proto ("http", or "https" behind a TLS terminator)
 */
public record HttpIngressConfig(Duration headerTimeout, int maxHeadBytes, Duration idleTimeout, int bodyBufferBytes,
        Duration bodyTimeout, Duration sendTimeout, long minBodyRate, Duration upstreamTimeout, int maxConnectionsPerSource,
        String scheme) {

    public HttpIngressConfig {
        requirePositive(headerTimeout, "headerTimeout");
        requirePositive(idleTimeout, "idleTimeout");
        requirePositive(bodyTimeout, "bodyTimeout");
        requirePositive(sendTimeout, "sendTimeout");
        requirePositive(upstreamTimeout, "upstreamTimeout");
        if (maxHeadBytes < 256) {
            throw new IllegalArgumentException("maxHeadBytes must be at least 256: " + maxHeadBytes);
        }
        if (bodyBufferBytes < 0) {
            throw new IllegalArgumentException("bodyBufferBytes must not be negative: " + bodyBufferBytes);
        }
        if (maxConnectionsPerSource < 1) {
            throw new IllegalArgumentException("maxConnectionsPerSource must be at least 1: " + maxConnectionsPerSource);
        }
        if (minBodyRate < 1) {
            throw new IllegalArgumentException("minBodyRate must be at least 1 byte/s: " + minBodyRate);
        }
        Objects.requireNonNull(scheme, "scheme");
    }

    /**
     * 10 s head, 32 KiB head, 60 s idle, 64 KiB body buffer, 30 s body and send timeouts, 4 KiB/s, 30 s upstream,
     * 256 connections per source, "http".
     */
    public static HttpIngressConfig defaults() {
        return new HttpIngressConfig(Duration.ofSeconds(10), 32 * 1024, Duration.ofSeconds(60), 64 * 1024,
                Duration.ofSeconds(30), Duration.ofSeconds(30), 4 * 1024, Duration.ofSeconds(30), 256, "http");
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }
}
