/**
 * The server's HTTP ingress: a reverse proxy routing each request by its Host to an HTTP
 * tunnel (docs/HTTP.md). HTTP/1.1, and HTTP/2 (h2c with prior knowledge, h2 by ALPN) whose every
 * stream is served as one HTTP/1.1 exchange by the same handler ({@link io.loomtunnel.internal.http.H2Connection}).
 *
 * <h2>Threads and locks</h2>
 * {@link io.loomtunnel.internal.http.HttpIngress} owns its threads ({@code "loomtunnel http
 * :PORT: ..."}): one accepts, one watches every connection's writes to its visitor and reads
 * from its visitor and upstream, and ends those past their deadline ({@code "timeouts"}), one per connection runs its handler (and,
 * after a 101, one more direction of the upgraded connection, joined by it); closing the ingress
 * closes every connection, which wakes its thread, and joins them. No lock of its own: connection
 * state is volatile, written by its thread and read by a closer or the watchdog. The ingress's
 * per-source count ({@code internal.limits.SourceLimit}) and its refusal logs are leaf monitors,
 * each taken alone for an update and never held while blocking or logging. One more thread
 * ({@code "idle upstreams"}) closes, twice a second, the upstreams the routes kept idle too long;
 * each route's {@link io.loomtunnel.internal.http.UpstreamPool} is a leaf monitor too, never held
 * while an upstream is closed. An HTTP/2 connection's thread is its only frame reader; each of
 * its streams has two more threads ({@code "loomtunnel http2 from ADDRESS: stream N"} and
 * {@code "...: stream N response"}), joined when the connection ends; its locks
 * ({@link io.loomtunnel.internal.http.H2Sender}'s writer and windows, each stream's
 * {@link io.loomtunnel.internal.http.BytePipe}s) are leaves.
 */
package io.loomtunnel.internal.http;
