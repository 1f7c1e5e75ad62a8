package io.loomtunnel.internal.nostr;

import java.time.Duration;

/**
 * How a {@link RelayPool} talks to its relays.
 *
 * @param connectTimeout    TCP, TLS and WebSocket handshake with one relay
 * @param sendTimeout       one message written to one relay; a relay that takes longer is dropped and redialed
 * @param pingInterval      a WebSocket ping after this long without sending; a relay silent for twice as long is dropped
 * @param backoffMin        first wait before redialing a relay (doubling, with jitter, up to backoffMax)
 * @param backoffMax        longest wait; a connection that lasted this long starts the next series at backoffMin
 * @param outbox            messages waiting to be written to one relay; more are not queued (that relay misses them)
 * @param subscriptionQueue events waiting to be taken from one subscription; more are dropped and counted
 */
public record RelaySettings(Duration connectTimeout, Duration sendTimeout, Duration pingInterval, Duration backoffMin,
                            Duration backoffMax, int outbox, int subscriptionQueue) {
    public RelaySettings {
        positive("connect timeout", connectTimeout);
        positive("send timeout", sendTimeout);
        positive("ping interval", pingInterval);
        positive("backoff min", backoffMin);
        positive("backoff max", backoffMax);
        if (backoffMax.compareTo(backoffMin) < 0) {
            throw new IllegalArgumentException("backoff max must not be less than backoff min");
        }
        if (outbox < 1 || subscriptionQueue < 1) {
            throw new IllegalArgumentException("queues must hold at least 1 message");
        }
    }

    /** 10 s to connect and to send, a ping every 30 s, redial after 0.5 s doubling to 30 s, 256 queued messages, 64 queued events. */
    public static RelaySettings defaults() {
        return new RelaySettings(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(30),
                Duration.ofMillis(500), Duration.ofSeconds(30), 256, 64);
    }

    public RelaySettings withBackoff(Duration min, Duration max) {
        return new RelaySettings(connectTimeout, sendTimeout, pingInterval, min, max, outbox, subscriptionQueue);
    }

    public RelaySettings withPingInterval(Duration value) {
        return new RelaySettings(connectTimeout, sendTimeout, value, backoffMin, backoffMax, outbox, subscriptionQueue);
    }

    private static void positive(String what, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive");
        }
    }
}
