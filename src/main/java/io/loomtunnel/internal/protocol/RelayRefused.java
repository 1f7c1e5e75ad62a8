package io.loomtunnel.internal.protocol;

/** The relay will not join this stream, and why; the server closes it (docs/protocol/P2P.md 9.6). */
public record RelayRefused(String reason) implements RelayReply {}
