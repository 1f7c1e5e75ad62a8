/**
 * TLS 1.3 transport with Ed25519 identities: endpoints are authenticated by the fingerprint of
 * their key ({@link io.loomtunnel.tls.PeerId}), never by a certificate authority.
 *
 * <h2>Threads and locks</h2>
 * A handshake runs on the caller's thread; afterwards one thread reads a
 * {@link io.loomtunnel.tls.TlsChannel} (the session reader) while others write. Lock order, for
 * one connection: {@code TlsChannel.writeLock}, then {@code SocketOutput.lock}, which is held
 * across the socket write and is the innermost lock of the whole stack (the multiplexer's locks
 * come before both, see io.loomtunnel.mux). Nothing waits for another thread under either: a
 * writer blocked in the socket is woken by closing it.
 */
package io.loomtunnel.tls;
