package io.loomtunnel.internal.protocol;

/**
 * A message written at the start of a stream rather than in a CONTROL frame, framed by
 * {@link StreamMessage}: the preface of a proxied connection (docs/protocol/TUNNEL.md 8.2) and the
 * relay's preface and reply (docs/protocol/P2P.md 9.6).
 */
public sealed interface StreamHeader extends ControlMessage permits StreamPreface, RelayPreface, RelayReply {}
