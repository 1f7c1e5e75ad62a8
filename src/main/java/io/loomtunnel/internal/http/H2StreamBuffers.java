package io.loomtunnel.internal.http;

import java.util.ArrayDeque;

/**
 * The buffers one HTTP/2 stream works with, about 160 KB: its handler's ({@link HandlerBuffers}), the
 * ring of its response pipe, and its relay's response-head and frame buffers. A stream borrows a set
 * from its connection's {@link Pool} and gives it back once both its threads have ended, so the next
 * streams of the connection reuse it instead of allocating (and zeroing) their own. The request body
 * ring (64 KiB) is not among them: only a request with a body makes one (BytePipe allocates on first use).
 *
 * @param handler   the stream's HttpConnectionHandler's
 * @param response  the ring of the pipe from the handler to the relay
 * @param relayHead the relay reads the handler's response head into it (maxHeadBytes)
 * @param frame     the relay's DATA payloads
 */
record H2StreamBuffers(HandlerBuffers handler, byte[] response, byte[] relayHead, byte[] frame) {
    static final int RESPONSE_PIPE = 16 * 1024;

    static H2StreamBuffers allocate(int maxHeadBytes) {
        return new H2StreamBuffers(HandlerBuffers.allocate(maxHeadBytes), new byte[RESPONSE_PIPE], new byte[maxHeadBytes],
                new byte[H2Connection.MAX_FRAME]);
    }

    /**
     * One connection's sets: at most {@code maxIdle} kept between streams (a burst of more streams
     * at once allocates the others, dropped as they end), and once no stream of the connection has
     * ended for a while its owner {@link #trim}s them to one (an idle connection holds ~160 KB, not
     * ~1.3 MB, so a visitor cannot park connections full of spare buffers). A set must only be given
     * back once nothing writes to it any more.
     *
     * <p>Locking: its own monitor, a leaf.
     */
    static final class Pool {
        private final int maxHeadBytes;
        private final int maxIdle;
        private final ArrayDeque<H2StreamBuffers> idle = new ArrayDeque<>(); // guarded by this
        private long made; // guarded by this

        Pool(int maxHeadBytes, int maxIdle) {
            this.maxHeadBytes = maxHeadBytes;
            this.maxIdle = maxIdle;
        }

        /** An idle set, or a new one. */
        H2StreamBuffers take() {
            synchronized (this) {
                H2StreamBuffers b = idle.pollFirst();
                if (b != null) {
                    return b;
                }
                made++;
            }
            return allocate(maxHeadBytes);
        }

        /** A set no stream uses any more: kept for the next stream, or dropped when {@code maxIdle} are already kept. */
        synchronized void give(H2StreamBuffers b) {
            if (idle.size() < maxIdle) {
                idle.addFirst(b); // the most recently used first: its memory is the likeliest still in a cache
            }
        }

        /** Drops the kept sets beyond {@code keep}, the least recently used first. */
        synchronized void trim(int keep) {
            while (idle.size() > keep) {
                idle.pollLast();
            }
        }

        /** Sets allocated so far. */
        synchronized long made() {
            return made;
        }

        /** Sets kept for the next streams. */
        synchronized int idle() {
            return idle.size();
        }
    }
}
