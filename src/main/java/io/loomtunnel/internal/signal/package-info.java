/**
 * Signed offer and answer blocks for peer-to-peer sessions and the copy-paste signaling that
 * carries them (docs/protocol/P2P.md 9.1 to 9.3).
 *
 * <h2>Threads and locks</h2>
 * Signaling runs on the caller's thread; waiting for a pasted answer reads standard input on one
 * more thread, since a terminal read cannot be timed out or woken (it ends with the input).
 * {@code ReplayGuard}'s lock is a leaf.
 */
package io.loomtunnel.internal.signal;
