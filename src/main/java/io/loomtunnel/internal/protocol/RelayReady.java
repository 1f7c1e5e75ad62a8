package io.loomtunnel.internal.protocol;

/** The relay joined both peers' streams: their bytes follow (docs/protocol/P2P.md 9.6). */
public record RelayReady() implements RelayReply {}
