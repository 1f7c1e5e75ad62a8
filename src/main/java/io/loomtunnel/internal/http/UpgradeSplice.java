package io.loomtunnel.internal.http;

import static io.loomtunnel.internal.net.Closeables.closeQuietly;

import io.loomtunnel.internal.concurrent.Joins;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;

/**
 * Raw bytes both ways after a 101 until both sides have ended: the connection's thread carries
 * upstream to client, one more virtual thread client to upstream. End of stream on one side
 * half-closes the other; a failure closes both, which wakes the other direction.
 *
 * <p>No read timeouts while spliced (WebSockets idle for long; they ping): closing the ingress
 * closes the sockets, which wakes both reads.
 */
final class UpgradeSplice {
    @FunctionalInterface
    private interface HalfClose {
        void run() throws IOException;
    }

    private UpgradeSplice() {
    }

    /**
     * Returns when both directions have ended (an interrupt closes both sides, which ends them, and
     * is kept for the caller); the caller closes both sides.
     */
    static void run(Socket client, BufferedInput clientIn, OutputStream clientOut, Upstream upstream,
            BufferedInput upstreamIn, String threadName) throws IOException {
        clientIn.setTimeout(Duration.ZERO);
        upstreamIn.setTimeout(Duration.ZERO);
        Thread toUpstream = Thread.ofVirtual().name(threadName).start(() ->
                pump(clientIn, upstream.output(), upstream::shutdownOutput, client, upstream));
        pump(upstreamIn, clientOut, client::shutdownOutput, client, upstream);
        Joins.joinAborting(toUpstream, () -> {
            closeQuietly(client);
            closeQuietly(upstream);
        });
    }

    private static void pump(BufferedInput from, OutputStream to, HalfClose atEnd, Socket client, Upstream upstream) {
        byte[] buf = new byte[16 * 1024];
        try {
            for (int n; (n = from.read(buf, 0, buf.length)) >= 0; ) {
                to.write(buf, 0, n);
                to.flush();
            }
            atEnd.run();
        } catch (IOException e) {
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }
}
