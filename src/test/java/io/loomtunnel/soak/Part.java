package io.loomtunnel.soak;

/**
 * A part of the soak's set-up that traffic crosses and a fault can hit: each flow names the parts
 * on its path, each fault the parts it disturbs, and a stream that ends early is excused only when
 * a fault hit a part on its path while it ran.
 */
enum Part {
    SERVER,
    /** Bulk TCP and UDP tunnels; killed and restarted. */
    CLIENT_A,
    /** HTTP, WebSocket and small TCP; never killed, kicked instead, so one client lives the whole run. */
    CLIENT_B,
    /** Behind the emulated link (loss, outage, delay, a squeeze) when the link exists; killed and restarted. */
    CLIENT_C,
    SHARE,
    CONNECT_DIRECT,
    CONNECT_RELAY,
    /** The emulated link between the root namespace and client C's namespace. */
    LINK
}
