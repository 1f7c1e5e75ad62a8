package io.loomtunnel.internal.nostr;

import java.net.URI;

/**
 * One relay as a {@link RelayPool} sees it now.
 *
 * @param relay       the relay's URL
 * @param state       connecting (the first dial), connected, down (redialing) or closed
 * @param problem     why it is down, one line; empty when it is not
 * @param connections how many times it has been connected
 * @param malformed   messages from it that were not NIP-01 (ignored)
 */
public record RelayStatus(URI relay, State state, String problem, int connections, long malformed) {
    /** Where a relay's dial loop is. */
    public enum State { CONNECTING, CONNECTED, DOWN, CLOSED }
}
