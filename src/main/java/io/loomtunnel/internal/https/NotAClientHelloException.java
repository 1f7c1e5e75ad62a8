package io.loomtunnel.internal.https;

import java.io.IOException;

/** The first bytes of a connection are not a well-formed TLS ClientHello (or it is too large). */
public final class NotAClientHelloException extends IOException {
    public NotAClientHelloException(String message) {
        super(message);
    }
}
