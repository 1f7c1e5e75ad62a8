/**
 * HTTP/2's wire format (RFC 9113 frames, RFC 7541 HPACK) and the pieces both of loomtunnel's
 * HTTP/2 ends share: read and write frames, gather and decode header blocks ({@code
 * HeaderBlocks}), encode them, keep receive and send windows ({@code ReceiveWindow}, {@code
 * SendWindows}) and write frame groups whole ({@code FrameOutput}), within limits the caller
 * gives. The ingress's h2 connections ({@code internal.http.H2Connection}) and the client's h2c
 * connections to local services ({@code upstream}) are built on it. Lock order: {@code
 * FrameOutput}'s (held while writing; the h2c upstream also opens a stream's send window under it)
 * before {@code SendWindows}' (never held while writing, takes no other lock). See docs/HTTP.md,
 * "HTTP/2".
 */
package io.loomtunnel.internal.h2;
