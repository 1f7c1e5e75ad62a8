package io.loomtunnel.plugin;

import java.nio.ByteBuffer;

/**
 * Looks at (and may rewrite) one HTTP body as it streams, chunk by chunk, on the thread that relays
 * it: the next chunk is read only after {@link #data} returns, so a slow filter slows the sender
 * (back-pressure) and nothing buffers the whole body. One filter serves one body: it may keep state.
 *
 * <p>A body with a filter is sent on chunked (to an HTTP/1.0 visitor: until the connection
 * closes), since a filter may change its length. The end of the body, the chunked terminator, is
 * held back until {@link #end} returns: when it throws, the receiver never sees the body complete
 * (the request's stream to the service is reset, a response's connection closed).
 */
public interface BodyFilter {
    /** No filter: the body is relayed as it is, framing unchanged. */
    BodyFilter NONE = new BodyFilter() {
        @Override
        public ByteBuffer data(ByteBuffer chunk) {
            return chunk;
        }
    };

    /**
     * One chunk of the body.
     *
     * @param chunk the bytes read, valid only during the call (copy what you keep)
     * @return what to send on: {@code chunk} itself, other bytes, or an empty buffer
     * @throws BodyRejectedException to refuse the body
     */
    ByteBuffer data(ByteBuffer chunk) throws BodyRejectedException;

    /**
     * The body has ended; the last chance to refuse it (as a signature check over the whole body).
     *
     * @return bytes to add at the end (an empty buffer for none)
     * @throws BodyRejectedException to refuse the body
     */
    default ByteBuffer end() throws BodyRejectedException {
        return ByteBuffer.allocate(0);
    }
}
