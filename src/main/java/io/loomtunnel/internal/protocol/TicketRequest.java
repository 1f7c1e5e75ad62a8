package io.loomtunnel.internal.protocol;

/**
 * Connect to server: a relay ticket for an offer that travels another way, e.g. through Nostr
 * relays (docs/protocol/P2P.md 9.6, "Tickets for offers sent elsewhere"). The server checks the
 * block as it checks a {@code p2p_offer} but forwards nothing.
 *
 * @param block the signed offer block's payload, base64url without padding
 */
public record TicketRequest(String block) implements DirectoryMessage {}
