package io.loomtunnel.internal.protocol;

/**
 * An offer on its way through the server (docs/protocol/P2P.md 9.5). Connect to server: the block
 * alone. Server to share: also the offer's session id and the address the server sees the
 * connecting peer's session come from.
 *
 * @param block the signed offer block's payload, base64url without padding
 */
public record OfferMessage(String session, String block, String observed) implements DirectoryMessage {}
