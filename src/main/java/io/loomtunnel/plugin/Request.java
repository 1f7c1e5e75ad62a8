package io.loomtunnel.plugin;

import java.net.InetSocketAddress;

/**
 * An HTTP request head arriving at a tunnel. The framing fields ({@code Content-Length},
 * {@code Transfer-Encoding}, {@code Connection} and the hop-by-hop ones) are the ingress's business:
 * a policy sees them but its changes to them are ignored.
 *
 * @param tunnel the tunnel's name
 * @param visitor the visitor's address
 * @param method the method, as {@code GET}
 * @param target the request target as sent, as {@code /path?query}
 * @param headers the header fields
 */
public record Request(String tunnel, InetSocketAddress visitor, String method, String target, Headers headers) {
    /**
     * The target's path, without the query.
     *
     * @return the path
     */
    public String path() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }
}
