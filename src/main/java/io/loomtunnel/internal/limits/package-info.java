/**
 * What keeps one stranger from taking what everyone shares: {@link
 * io.loomtunnel.internal.limits.Sources} (a source as the limits count it), {@link
 * io.loomtunnel.internal.limits.SourceLimit} (connections open per source) and {@link
 * io.loomtunnel.internal.limits.RefusalLog} (refusals logged at most once per interval, the rest
 * summed up). Used by the TCP tunnels, the HTTP ingress and the admin endpoint
 * (docs/SECURITY.md).
 *
 * <h2>Threads and locks</h2>
 * No threads. Each {@code SourceLimit} and {@code RefusalLog} is its own monitor, a leaf held for
 * a look-up and an update only; a refusal log writes its lines outside it.
 */
package io.loomtunnel.internal.limits;
