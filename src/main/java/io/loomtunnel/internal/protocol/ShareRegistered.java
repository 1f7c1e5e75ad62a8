package io.loomtunnel.internal.protocol;

/**
 * Server to share: registered (docs/protocol/P2P.md 9.5). {@code observed} is where the server sees
 * the share's session come from, which is what connecting peers are told to dial (its punch
 * port's public mapping).
 */
public record ShareRegistered(String observed) implements DirectoryMessage {}
