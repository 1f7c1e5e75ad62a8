/**
 * The multiplexer: many reliable streams, datagrams and control messages over one connection
 * (docs/protocol/SESSION.md sections 3 and 4).
 *
 * <h2>Threads</h2>
 * Each {@link io.loomtunnel.mux.MuxSession} owns two threads, {@code "loomtunnel session NAME:
 * reader"} (the only reader of the connection; it never blocks on anything but the socket read
 * and never runs application code) and {@code "...: housekeeper"} (writes what the reader owes
 * the peer, and keepalive); closing the session ends and joins them. The reader is a platform
 * thread (sessions are few, and a platform thread's read wakes straight from the kernel instead of
 * through the JDK's poller and a carrier thread); the housekeeper is virtual. The reader hands each
 * DATA payload to its stream's buffer and wakes the stream's reader; it never writes to a
 * destination socket itself, because a blocking socket write offers no non-blocking try and would
 * stall every stream behind one whose destination does not read. Application threads open,
 * accept, read and write; a writer writes its frames to the connection itself (no writer thread).
 *
 * <h2>Lock order</h2>
 * Take locks only in this order (a lock further down is never held while taking one above):
 * <ol>
 *   <li>{@code MuxSession.openLock} (id allocation and the SYN write) or
 *       {@code MuxStream.writeLock} (one writer at a time on a stream; held while waiting for
 *       window credit);
 *   <li>the stream's {@code SendWindow} or {@code InboundBuffer} lock (released while waiting on
 *       their conditions);
 *   <li>the session's {@code FrameWriter} lock (internal.wire), held during the socket write;
 *   <li>below the multiplexer, the transport's write locks ({@code TlsChannel.writeLock}, then
 *       {@code SocketOutput.lock}; see io.loomtunnel.tls).
 * </ol>
 * The reader thread takes only leaf locks ({@code InboundBuffer}, {@code SendWindow},
 * {@code Inbox}, {@code OpenGate}, {@code Housekeeper}), one at a time, and never the FrameWriter's;
 * the housekeeper writes frames after releasing its own lock. {@code MuxStream}'s monitor guards
 * only its lazily made input and output and is never held with another lock.
 */
package io.loomtunnel.mux;
