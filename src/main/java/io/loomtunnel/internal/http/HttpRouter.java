package io.loomtunnel.internal.http;

/** Chooses the tunnel for a request's host; called once per request, from the connection's thread. */
public interface HttpRouter {
    /**
     * The route for {@code host} (lowercased, port stripped, never null), or null for an unknown
     * host, which the ingress answers with 404.
     */
    HttpRoute route(String host);

    /** {@link HttpRoute#expireIdle} of every route; from the ingress's own thread, a few times a second. */
    default void expireIdle(long nowNanos) {
    }
}
