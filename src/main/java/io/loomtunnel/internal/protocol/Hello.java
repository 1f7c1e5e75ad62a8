package io.loomtunnel.internal.protocol;

/**
 * The dialer's first control message (docs/protocol/SESSION.md 1.2).
 *
 * @param software e.g. "loomtunnel/0.1.0", for logs
 * @param token the shared secret, when the acceptor hands out tokens; else null
 */
public record Hello(String software, String token) implements Greeting {
    @Override
    public String toString() {
        return "Hello[software=" + software + ", token=" + (token == null ? "none" : "***") + "]";
    }
}
