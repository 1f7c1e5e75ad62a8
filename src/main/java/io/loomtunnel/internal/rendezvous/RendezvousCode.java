package io.loomtunnel.internal.rendezvous;

import java.util.Locale;

/** Why the server could not do what a peer asked (docs/protocol/P2P.md 9.5). */
public enum RendezvousCode {
    /** No share with that id is registered, or it does not allow the asking peer: the two look the same. */
    UNKNOWN_PEER,
    /** The share did not answer in time, or left before answering. */
    NO_ANSWER,
    /** The share could not use the offer (its problem comes along). */
    UNANSWERED,
    /** The message or block was malformed, or not the sender's own. */
    BAD_REQUEST,
    /** The peer has too many offers waiting for answers. */
    BUSY,
    /** Another session has registered a share with this id. */
    ALREADY_REGISTERED,
    /** A code this program does not know (a newer server). */
    UNKNOWN;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RendezvousCode parse(String wire) {
        for (RendezvousCode c : values()) {
            if (c != UNKNOWN && c.wireName().equals(wire)) {
                return c;
            }
        }
        return UNKNOWN;
    }
}
