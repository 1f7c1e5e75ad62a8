/**
 * Owned threads: {@link io.loomtunnel.internal.concurrent.OwnedThreads}, from which every
 * long-lived component starts its virtual threads (named {@code "loomtunnel OWNER: TASK"}; a
 * session's reader is a platform thread from it) and which ends and joins them on close, and {@link io.loomtunnel.internal.concurrent.Deadlines},
 * one such thread expiring keys after a fixed time.
 *
 * <h2>Lock order</h2>
 * {@code Deadlines.lock} is the package's only lock and a leaf: its users may hold theirs when
 * they add or remove a key; its thread calls them back holding none.
 */
package io.loomtunnel.internal.concurrent;
