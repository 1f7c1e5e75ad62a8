package io.loomtunnel.tls;

import java.time.Duration;
import java.util.Objects;

/**
 * How to run TLS handshakes: the crypto backend and how long a handshake may take in total.
 *
 * @param backend which crypto implementation runs the handshake
 * @param handshakeTimeout how long a whole handshake may take
 */
public record TlsConfig(TlsBackend backend, Duration handshakeTimeout) {

    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    /** Checks that both are given and the timeout is at least 1 ms. */
    public TlsConfig {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        if (handshakeTimeout.isNegative() || handshakeTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("handshake timeout must be at least 1 ms, got " + handshakeTimeout);
        }
    }

    /**
     * {@link TlsBackend#DEFAULT} and a 10 s handshake timeout.
     *
     * @return the defaults
     */
    public static TlsConfig defaults() {
        return new TlsConfig(TlsBackend.DEFAULT, DEFAULT_HANDSHAKE_TIMEOUT);
    }
}
