package io.loomtunnel.internal.nostr;

/** What a relay sent is not a well-formed NIP-01 message or event; the message is one printable line. */
public final class NostrProtocolException extends Exception {
    public NostrProtocolException(String message) {
        super(message);
    }
}
