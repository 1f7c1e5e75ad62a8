package io.loomtunnel.internal.h2;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Gathers a header block (RFC 9113 4.3, 6.10): a HEADERS frame's fragment and the CONTINUATION
 * frames that must follow it at once on the same stream, END_HEADERS on the last. Read straight
 * from the connection's frames, so no other frame can come between and no half-gathered block
 * outlives the call. Used by both ends that read HTTP/2: the ingress's connections and the
 * client's h2c connections to local services.
 */
public final class HeaderBlocks {
    /** Most frames in one header block, HEADERS included: more is a CONTINUATION flood. */
    public static final int MAX_FRAMES = 32;

    private HeaderBlocks() {}

    /**
     * The whole block that {@code headers} starts. A lone HEADERS frame's fragment is returned as it
     * is (the HPACK decoder judges its size); a gathered one may hold at most {@code maxBytes}.
     *
     * @throws H2Exception PROTOCOL_ERROR when anything but the stream's CONTINUATION follows (or
     *     the connection ends first), ENHANCE_YOUR_CALM over {@code maxBytes} or {@link #MAX_FRAMES}
     */
    public static byte[] gather(Frame headers, FrameReader reader, int maxBytes) throws IOException {
        byte[] first = headers.unpadded();
        if (headers.has(Frame.END_HEADERS)) {
            return first;
        }
        ByteArrayOutputStream block = new ByteArrayOutputStream(Math.min(first.length * 2, maxBytes));
        block.write(first);
        for (int frames = 2; ; frames++) {
            Frame c = reader.read();
            if (c == null || c.type() != Frame.CONTINUATION || c.stream() != headers.stream()) {
                throw new H2Exception(H2Error.PROTOCOL_ERROR, "a header block not followed by its CONTINUATION");
            }
            if (frames > MAX_FRAMES) {
                throw new H2Exception(H2Error.ENHANCE_YOUR_CALM, "more than " + MAX_FRAMES + " frames in a header block");
            }
            if (block.size() + c.payload().length > maxBytes) {
                throw new H2Exception(H2Error.ENHANCE_YOUR_CALM, "a header block over " + maxBytes + " bytes");
            }
            block.write(c.payload());
            if (c.has(Frame.END_HEADERS)) {
                return block.toByteArray();
            }
        }
    }
}
