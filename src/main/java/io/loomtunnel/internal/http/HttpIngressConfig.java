package io.loomtunnel.internal.http;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits and settings of an {@link HttpIngress}.
 *
 * @param headerTimeout   the whole request head must arrive within this time (else 408)
 * @param maxHeadBytes    the largest request or response head, and the largest chunk line or trailer section (else 431)
 * @param upstreamTimeout how long the upstream may take to send its response head (else 504), and to send each part of its body
 * @param idleTimeout     how long a keep-alive connection may wait for its next request, or a request body for its next bytes
 * @param scheme          the value of X-Forwarded-Proto ("http", or "https" behind a TLS terminator)
 */
public record HttpIngressConfig(Duration headerTimeout, int maxHeadBytes, Duration upstreamTimeout,
        Duration idleTimeout, String scheme) {

    public HttpIngressConfig {
        requirePositive(headerTimeout, "headerTimeout");
        requirePositive(upstreamTimeout, "upstreamTimeout");
        requirePositive(idleTimeout, "idleTimeout");
        if (maxHeadBytes < 256) {
            throw new IllegalArgumentException("maxHeadBytes must be at least 256: " + maxHeadBytes);
        }
        Objects.requireNonNull(scheme, "scheme");
    }

    /** 10 s head, 32 KiB head, 30 s upstream, 60 s idle, scheme "http". */
    public static HttpIngressConfig defaults() {
        return new HttpIngressConfig(Duration.ofSeconds(10), 32 * 1024, Duration.ofSeconds(30),
                Duration.ofSeconds(60), "http");
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }
}
