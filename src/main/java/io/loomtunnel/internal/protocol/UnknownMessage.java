package io.loomtunnel.internal.protocol;

/**
 * A well-formed message whose type this version does not know (a newer peer's). It is never sent;
 * each receiver decides what it means, as docs/protocol/SESSION.md 6 asks (ignore it, or answer
 * that it is not understood).
 */
public record UnknownMessage(String type) implements ControlMessage {}
