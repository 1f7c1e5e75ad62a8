package io.loomtunnel.internal.http;

/**
 * The buffers an {@link HttpConnectionHandler} works with, about 96 KB: a visitor's connection
 * allocates its own; an HTTP/2 stream borrows a set its connection keeps for its streams
 * ({@link H2StreamBuffers}), so that a stream allocates none on a connection that served one before.
 *
 * @param scratch      bodies pass through it, a piece at a time
 * @param head         the visitor's request heads are read into it (maxHeadBytes)
 * @param upstreamHead the app's response heads are read into it (maxHeadBytes)
 * @param output       what goes to the visitor is gathered in it
 */
record HandlerBuffers(byte[] scratch, byte[] head, byte[] upstreamHead, byte[] output) {
    static final int SCRATCH_BYTES = 16 * 1024;

    static HandlerBuffers allocate(int maxHeadBytes) {
        return new HandlerBuffers(new byte[SCRATCH_BYTES], new byte[maxHeadBytes], new byte[maxHeadBytes],
                new byte[SCRATCH_BYTES]);
    }
}
