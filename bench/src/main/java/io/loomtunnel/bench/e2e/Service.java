package io.loomtunnel.bench.e2e;

/** The services behind the relays, each a process of its own: which one a scenario's load talks to. */
enum Service {
    /** {@link EchoService}: echo, sink and source over TCP. */
    ECHO,
    /** {@link HttpService}: HTTP/1.1 with keep-alive. */
    HTTP,
    /** {@link UdpEchoService}: every datagram back to its sender. */
    UDP
}
