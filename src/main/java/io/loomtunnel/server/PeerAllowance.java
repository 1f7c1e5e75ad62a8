package io.loomtunnel.server;

import io.loomtunnel.internal.limits.TokenBucket;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One peer's share of the relay: how many relayed sessions it is part of (counted by
 * {@link RelayHub} under its lock) and its byte rate. Streams wrapped by {@link #throttle} hold
 * what passes through them to this peer's rate.
 */
final class PeerAllowance {
    private final TokenBucket bucket;
    /** Relayed sessions this peer is part of, waiting or running; guarded by the RelayHub. */
    int relays;

    PeerAllowance(TokenBucket bucket) {
        this.bucket = bucket;
    }

    /** {@code in}, each read held to this peer's rate (what it reads comes from this peer). */
    InputStream throttle(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    bucket.take(1);
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    bucket.take(n);
                }
                return n;
            }
        };
    }

    /** {@code out}, each write held to this peer's rate (what is written to it comes from this peer). */
    OutputStream throttle(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                bucket.take(1);
                out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                bucket.take(len);
                out.write(b, off, len);
            }
        };
    }
}
