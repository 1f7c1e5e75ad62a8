package io.loomtunnel.internal.protocol;

/**
 * Between a peer and the server's directory of shares: registration, and offers and answers on
 * their way through the server (docs/protocol/P2P.md 9.5), and relay tickets for offers that
 * travel another way (9.6). All travel under the {@code p2p_} prefix.
 */
public sealed interface DirectoryMessage extends ControlMessage
        permits RegisterShare, ShareRegistered, OfferMessage, AnswerMessage, Unanswered, RendezvousError,
        TicketRequest, TicketIssued {}
