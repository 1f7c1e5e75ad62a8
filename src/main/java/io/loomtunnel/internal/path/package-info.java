/**
 * Path finding for peer-to-peer sessions: candidates, the punch port, dialing and the relay as a
 * contender, raced to one winner (docs/protocol/P2P.md 9.4 and 9.6).
 *
 * <h2>Threads and locks</h2>
 * The accepting, dialing and relay threads run on the caller's
 * {@link io.loomtunnel.internal.concurrent.OwnedThreads} (the share's or the connect side's),
 * which ends and joins them. {@code PathRace}'s lock guards its failure notes only and is a leaf;
 * the race's outcome is a CompletableFuture, which contenders wait on outside any lock.
 */
package io.loomtunnel.internal.path;
