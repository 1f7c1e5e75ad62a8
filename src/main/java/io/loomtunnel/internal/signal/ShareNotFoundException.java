package io.loomtunnel.internal.signal;

import java.io.IOException;

/** No share with the id asked for answered (Nostr signaling: no welcome in time, or no relay reachable); connect exits 25. */
public final class ShareNotFoundException extends IOException {
    public ShareNotFoundException(String message) {
        super(message);
    }
}
