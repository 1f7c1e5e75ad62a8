/**
 * The frame layer: the preamble, frame encoding and decoding, the frame rules and the coalescing
 * writer (docs/protocol/SESSION.md sections 1 and 2).
 *
 * <h2>Threads and locks</h2>
 * A {@link io.loomtunnel.internal.wire.FrameReader} has one reader thread (the session's);
 * a {@link io.loomtunnel.internal.wire.FrameWriter} is shared by every writer of a session, and
 * its one lock, held across the write to the transport, is the package's only lock. Lock order:
 * the multiplexer's locks first (io.loomtunnel.mux), then the FrameWriter's, then the
 * transport's (io.loomtunnel.tls). The {@link io.loomtunnel.internal.wire.BufferPool} is a
 * bounded concurrent queue and takes no lock of ours.
 */
package io.loomtunnel.internal.wire;
