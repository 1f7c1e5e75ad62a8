package io.loomtunnel.internal.rendezvous;

/**
 * Server to share: registered. {@code observed} is where the server sees the share's session come
 * from, which is what connecting peers are told to dial (its punch port's public mapping).
 */
public record ShareRegistered(String observed) {
    public static final String TYPE = "p2p_registered";
}
