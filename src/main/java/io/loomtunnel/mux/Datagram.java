package io.loomtunnel.mux;

/**
 * One unreliable message received on a session, with the flow id its sender chose.
 *
 * @param flowId the sender's tag, e.g. which UDP flow it belongs to
 * @param payload the bytes, at most 65,536
 */
public record Datagram(int flowId, byte[] payload) {}
