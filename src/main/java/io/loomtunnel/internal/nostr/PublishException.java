package io.loomtunnel.internal.nostr;

import java.io.IOException;

/** No relay accepted an event in time; the message says what each relay did, on one line. */
public final class PublishException extends IOException {
    public PublishException(String message) {
        super(message);
    }
}
