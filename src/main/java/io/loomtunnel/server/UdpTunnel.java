package io.loomtunnel.server;

import io.loomtunnel.internal.tunnel.UdpIngress;

/** A client's UDP tunnel: its public port. */
record UdpTunnel(UdpIngress ingress) implements ExposedTunnel {
    @Override
    public int id() {
        return ingress.id();
    }

    @Override
    public String address() {
        return ingress.address();
    }

    @Override
    public void close() {
        ingress.close();
    }
}
