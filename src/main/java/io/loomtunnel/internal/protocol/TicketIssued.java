package io.loomtunnel.internal.protocol;

/** Server to connect: the relay ticket for the offer of {@code session} is issued (docs/protocol/P2P.md 9.6). */
public record TicketIssued(String session) implements DirectoryMessage {}
