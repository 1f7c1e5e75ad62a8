package io.loomtunnel.plugin;

/** What a policy says of an arriving UDP datagram. */
public enum DatagramAction {
    /** The next policy decides; after the last, the datagram goes on to the service. */
    PASS,
    /** The datagram is dropped, silently as UDP does. */
    DROP
}
