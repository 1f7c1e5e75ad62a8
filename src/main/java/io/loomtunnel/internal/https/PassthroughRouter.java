package io.loomtunnel.internal.https;

import io.loomtunnel.internal.http.HttpRoute;

/** Finds the passthrough tunnel of a TLS server name: one whose TLS its local service terminates. */
public interface PassthroughRouter {
    /** The route whose upstream gets the connection's raw bytes, or null to terminate TLS here. */
    HttpRoute passthrough(String serverName);
}
