/**
 * Nostr, the foundations of signaling over public relays (docs/P2P.md, "Nostr signaling
 * (design)"; not yet wired to share and connect): BIP-340 Schnorr signatures over secp256k1
 * ({@code Bip340}, {@code NostrKey}), NIP-01 events ({@code NostrEvent}, {@code EventJson}), the
 * messages between client and relay ({@code RelayMessages} reads, {@code ClientMessages} writes,
 * {@code Filter}), and a client for several relays at once over the JDK's WebSocket
 * ({@code RelayPool}, {@code RelaySubscription}).
 *
 * <h2>Threads and locks</h2>
 * A {@code RelayPool} owns its threads ({@code OwnedThreads} "nostr relays"): one per relay that
 * dials, redials with backoff, writes and pings, and the WebSocket callbacks, which decode, verify
 * and queue what arrives. Callers block only in bounded waits. Locks ({@code ReentrantLock}s, no
 * monitors: on Java 21 a virtual thread waiting in a monitor holds its carrier) are leaves: a
 * {@code PendingPublish}'s, a {@code RelaySubscription}'s, and the pool's {@code stateLock} for
 * {@code awaitConnected}; no lock is held while another is taken, while sending or verifying.
 *
 * <h2>What is trusted</h2>
 * Nothing a relay says: every event is checked against the subscription's filters (relays do not
 * always apply tag conditions), deduplicated, and its id and signature verified before a caller
 * sees it; every message is bounded ({@code EventJson.MAX_MESSAGE_CHARS}, tag counts) and read
 * strictly. A signature says only which Nostr key wrote an event; the signaling layer puts the
 * peers' own signed blocks inside.
 */
package io.loomtunnel.internal.nostr;
