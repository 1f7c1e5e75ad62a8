/**
 * The client's side of an h2c tunnel (TOML {@code local_protocol = "h2c"}, flag {@code --h2c NAME}):
 * the HTTP/1.1 exchanges that arrive on the tunnel's streams sent as streams of a shared HTTP/2
 * connection with prior knowledge to a local service that speaks only HTTP/2, as gRPC services
 * do, and their answers written back as HTTP/1.1 with chunked trailers. Built on
 * {@code internal.h2}'s frames and HPACK and {@code internal.http}'s request parser. See
 * docs/HTTP.md, "gRPC through an h2c tunnel".
 */
package io.loomtunnel.internal.h2.upstream;
