/**
 * The server's HTTP/1.1 ingress: a reverse proxy routing each request by its Host to an HTTP
 * tunnel (docs/HTTP.md).
 *
 * <h2>Threads and locks</h2>
 * {@link io.loomtunnel.internal.http.HttpIngress} owns its threads ({@code "loomtunnel http
 * :PORT: ..."}): one accepts, one watches every connection's writes to its visitor and closes
 * those past their deadline ({@code "send timeouts"}), one per connection runs its handler (and,
 * after a 101, one more direction of the upgraded connection, joined by it); closing the ingress
 * closes every connection, which wakes its thread, and joins them. No lock of its own: connection
 * state is volatile, written by its thread and read by a closer or the watchdog. The ingress's
 * per-source count ({@code internal.limits.SourceLimit}) and its refusal logs are leaf monitors,
 * each taken alone for an update and never held while blocking or logging. One more thread
 * ({@code "idle upstreams"}) closes, twice a second, the upstreams the routes kept idle too long;
 * each route's {@link io.loomtunnel.internal.http.UpstreamPool} is a leaf monitor too, never held
 * while an upstream is closed.
 */
package io.loomtunnel.internal.http;
