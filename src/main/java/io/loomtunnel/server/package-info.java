/**
 * The public side of reverse tunnels, and the rendezvous and relay of peer-to-peer tunnels:
 * {@link io.loomtunnel.server.TunnelServer} and what it runs.
 *
 * <h2>Threads</h2>
 * Every thread is owned by one part of the server and named after it ({@code "loomtunnel
 * listener :PORT: peer ADDRESS"} runs one client's {@code ClientLink} for as long as it stays;
 * {@code "loomtunnel tcp tunnel NAME :PORT: ..."}, {@code "loomtunnel http :PORT: ..."},
 * {@code "loomtunnel udp :PORT: receive"}, {@code "loomtunnel relay of server ID: ..."},
 * {@code "loomtunnel server ID offers: deadlines"}, {@code "loomtunnel server session N tcp: idle watch"}).
 * {@code TunnelServer.close} closes the client
 * sessions first, then each part, which ends and joins its own threads.
 *
 * <h2>Lock order</h2>
 * The server's locks are short and never held across I/O or a wait for another thread:
 * {@code TunnelServer} (admission), {@code ClientLink} (starting its datagram dispatcher),
 * {@code RelayHub} (tickets and allowances), {@code ClientStreams} (stream counts and shares),
 * {@code TcpIngress} (connections per source), {@code HttpRoutes} (claims and holds) and
 * {@code TokenBucket} are leaves: nothing else is taken under them. {@code PeerDirectory}'s lock is taken before its answer-deadlines' lock (the
 * deadline thread calls back holding neither) and never with the RelayHub's. No server lock is
 * held while calling into a session, so the multiplexer's locks (io.loomtunnel.mux) always come
 * after, never before, any of these.
 */
package io.loomtunnel.server;
