package io.loomtunnel.server;

import java.io.Closeable;

/** One tunnel a client holds on the server: its ingress, which closing tears down at once. */
interface ExposedTunnel extends Closeable {
    /** The server's number for the tunnel, unique within the client's session. */
    int id();

    /** Where the public reaches it: host:port or a URL. */
    String address();

    @Override
    void close();
}
