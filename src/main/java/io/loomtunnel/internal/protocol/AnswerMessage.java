package io.loomtunnel.internal.protocol;

/**
 * An answer on its way back through the server (docs/protocol/P2P.md 9.5). Share to server: the block
 * alone. Server to connect: also the address the server sees the share's session come from.
 *
 * @param block the signed answer block's payload, base64url without padding
 */
public record AnswerMessage(String block, String observed) implements DirectoryMessage {}
