package io.loomtunnel.internal.http;

import java.io.IOException;

/** A message broke a framing or syntax rule: 400 from a client, 502 from an upstream. */
class MalformedHttpException extends IOException {
    private static final long serialVersionUID = 1L;

    MalformedHttpException(String message) {
        super(message);
    }
}
