/**
 * Server signaling for peer-to-peer tunnels, the peers' side: the messages of docs/protocol/P2P.md
 * 9.5 and 9.6, the share's long-lived registration and the connect side's exchange, and relayed
 * paths over the server session.
 *
 * <h2>Threads and locks</h2>
 * Everything here runs on the caller's threads; closing wakes them by closing the server session
 * (and interrupting the share's signaling thread). {@code HeldSession}'s lock counts the relays
 * inside one server session and is a leaf: the session is closed after it is released.
 */
package io.loomtunnel.internal.rendezvous;
