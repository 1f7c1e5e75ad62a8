/**
 * HTTP/2's wire format (RFC 9113 frames, RFC 7541 HPACK), without any connection logic: read and
 * write frames, decode and encode header blocks, within limits the caller gives. The ingress's h2
 * connections ({@code internal.http.H2Connection}) are built on it. See docs/HTTP.md, "HTTP/2".
 */
package io.loomtunnel.internal.h2;
