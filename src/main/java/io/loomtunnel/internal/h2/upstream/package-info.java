/**
 * The client's side of an h2c tunnel (TOML {@code local_protocol = "h2c"}, flag {@code --h2c NAME}):
 * the HTTP/1.1 exchanges that arrive on the tunnel's streams sent as streams of a shared HTTP/2
 * connection with prior knowledge to a local service that speaks only HTTP/2, as gRPC services
 * do, and their answers written back as HTTP/1.1 with chunked trailers. Built on
 * {@code internal.h2}'s frames and HPACK and {@code internal.http}'s request parser. See
 * docs/HTTP.md, "gRPC through an h2c tunnel".
 *
 * <p>Lock order: {@code H2cPool.lock} (held while connecting), then a connection's locks;
 * {@code FrameOutput}'s lock (held while writing to the service, and while a new stream takes its
 * id), then {@code SendWindows}' lock; {@code H2cConnection}'s slot lock and each
 * {@code H2cStream}'s queue lock are leaves. No lock is held while waiting on the tunnel stream.
 */
package io.loomtunnel.internal.h2.upstream;
