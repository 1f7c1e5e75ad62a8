package io.loomtunnel.mux;

/** One unreliable message received on a session, with the flow id its sender chose. */
public record Datagram(int flowId, byte[] payload) {}
