/**
 * What keeps one stranger from taking what everyone shares: {@link
 * io.loomtunnel.internal.limits.Sources} (a source as every per-source table counts it: an IPv4
 * address, an IPv6 /64), {@link io.loomtunnel.internal.limits.SourceLimit} (connections open per
 * source), {@link io.loomtunnel.internal.limits.PenaltyBox} (sources blocked for a while after
 * failing too often) and two refusal logs, which count refusals by reason alike ({@code
 * ReasonCounts}): {@link io.loomtunnel.internal.limits.RefusalLog} (at most one line per interval
 * for everyone, the rest summed up with the next) and {@link
 * io.loomtunnel.internal.limits.SourceRefusalLog} (one line per source and interval, then a
 * summary per source), and {@link io.loomtunnel.internal.limits.TokenBucket} (a rate: the relay's
 * bytes per peer, the rate-limit policy's requests per visitor). Used by the TCP and UDP tunnels, the HTTP ingress, the admin endpoint and
 * the control port (docs/SECURITY.md). Depends on nothing of loomtunnel's.
 *
 * <h2>Threads and locks</h2>
 * No threads of its own ({@code SourceRefusalLog.run} is the loop of a thread its user owns).
 * Each {@code SourceLimit}, {@code PenaltyBox}, {@code TokenBucket} and refusal log is guarded by its own lock, a leaf
 * held for a look-up and an update only; a refusal log writes its lines outside it.
 */
package io.loomtunnel.internal.limits;
