/**
 * Peer-to-peer tunnels: the sharing side ({@link io.loomtunnel.p2p.SharePeer}) and the connecting
 * side ({@link io.loomtunnel.p2p.ConnectPeer}), which find a direct path (or the relay) and run a
 * session between them (docs/protocol/P2P.md).
 *
 * <h2>Threads</h2>
 * A share and a connect side each own their threads ({@code "loomtunnel share ID: ..."},
 * {@code "loomtunnel connect to ID SERVICE: ..."}): the punch port's accepting thread and one per
 * connection in set-up, each session's candidate dialers and relay contender, the thread that
 * runs (or watches) each session and one per stream. The connect side's local port has its own
 * ({@code "loomtunnel connect :PORT: ..."}, {@code "loomtunnel connect udp :PORT: ..."}).
 * {@code close} ends and joins them all. Signaling runs on the caller's thread.
 *
 * <h2>Lock order</h2>
 * {@code ShareSlots.lock} (a share's sessions) and {@code ConnectPeer.lock} guard the session
 * tables; they are leaves, held for map updates only (binding the local port is the one call made under
 * ConnectPeer's, and application callbacks run outside). A connect's {@code nominating} lock is
 * held across one request on a set-up session and its reply (bounded by the reply timeout), so
 * the session's locks (io.loomtunnel.mux) come after it; neither peer lock is ever taken under it.
 * {@code PathRace}'s lock (io.loomtunnel.internal.path) is a leaf.
 */
package io.loomtunnel.p2p;
