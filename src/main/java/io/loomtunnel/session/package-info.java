/**
 * Sessions: a TLS 1.3 connection, the preamble and hello exchange, and the multiplexer on top
 * (docs/protocol/SESSION.md sections 5 to 7), with the listener and dialer that set them up.
 *
 * <h2>Threads and locks</h2>
 * A set-up runs on the caller's thread, or, for a {@link io.loomtunnel.session.SessionListener},
 * on a thread of the listener's ({@code "loomtunnel listener :PORT: peer ADDRESS"}), which then
 * runs the handler for as long as it serves; the listener also has its accept thread and its
 * refusal log's. The listener's close ends and joins them all. A session's own threads are its
 * multiplexer's (io.loomtunnel.mux). The listener's two locks, the set-up door's (admission,
 * per-source state) and the refusal log's (the interval's counts), are leaves, never held
 * together or while calling out; the lock order of a session is the multiplexer's, then the
 * transport's (io.loomtunnel.tls).
 */
package io.loomtunnel.session;
