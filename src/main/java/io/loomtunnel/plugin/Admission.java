package io.loomtunnel.plugin;

/** What a policy says of an arriving TCP connection. */
public enum Admission {
    /** The next policy decides; after the last, the connection goes on to the service. */
    ACCEPT,
    /** The connection is closed at once: nothing of it crosses the tunnel. */
    REFUSE
}
