/**
 * The request inspector of a client's HTTP tunnels (docs/DASHBOARD.md, "Inspector"): a passive
 * tap on each tunnel stream parses the requests and responses going by ({@link
 * io.loomtunnel.internal.inspect.MessageParser}), a bounded store keeps the latest exchanges
 * ({@link io.loomtunnel.internal.inspect.ExchangeStore}), the client can send one again to its
 * local service ({@link io.loomtunnel.internal.inspect.Replayer}), and {@link
 * io.loomtunnel.internal.inspect.InspectorApi} answers the admin endpoint's {@code /api/requests}.
 *
 * <p>Lock order: an {@link io.loomtunnel.internal.inspect.Exchange}'s monitor and the store's
 * lock are never held together; a stream tap's monitor is taken alone, for a queue operation.
 */
package io.loomtunnel.internal.inspect;
