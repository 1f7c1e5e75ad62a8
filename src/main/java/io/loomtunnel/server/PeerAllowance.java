package io.loomtunnel.server;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One peer's share of the relay: how many relayed sessions it is part of (counted by
 * {@link RelayHub} under its lock), its byte rate, and the bytes it sent through the relay.
 * Streams wrapped by {@link #meter} charge what passes through them to this peer.
 */
final class PeerAllowance {
    private final TokenBucket bucket;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong everyone;
    /** Relayed sessions this peer is part of, waiting or running; guarded by the RelayHub. */
    int relays;

    /** @param everyone where the bytes of every peer are counted as well */
    PeerAllowance(TokenBucket bucket, AtomicLong everyone) {
        this.bucket = bucket;
        this.everyone = everyone;
    }

    /** Bytes this peer sent through the relay, while it had relayed sessions. */
    long sent() {
        return sent.get();
    }

    /** Waits for the rate to allow {@code n} more bytes from this peer, and counts them here, in all and in {@code relay}. */
    private void spend(int n, AtomicLong relay) throws IOException {
        bucket.take(n);
        sent.addAndGet(n);
        everyone.addAndGet(n);
        relay.addAndGet(n);
    }

    /** {@code in}, with every byte read charged to this peer and counted in {@code relay}. */
    InputStream meter(InputStream in, AtomicLong relay) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    spend(1, relay);
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    spend(n, relay);
                }
                return n;
            }
        };
    }

    /** {@code out}, with every byte written charged to this peer (it comes from this peer) and counted in {@code relay}. */
    OutputStream meter(OutputStream out, AtomicLong relay) {
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                spend(1, relay);
                out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                spend(len, relay);
                out.write(b, off, len);
            }
        };
    }
}
