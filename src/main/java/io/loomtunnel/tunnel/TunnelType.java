package io.loomtunnel.tunnel;

import java.util.Locale;

/** What a tunnel exposes: a TCP port, a UDP port, or an HTTP virtual host. */
public enum TunnelType {
    /** A TCP port on the server. */
    TCP,
    /** A UDP port on the server. */
    UDP,
    /** An HTTP virtual host on the server's HTTP ingress. */
    HTTP;

    /**
     * The name used in config files and control messages: {@code tcp}, {@code udp}, {@code http}.
     *
     * @return the lowercase name
     */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a wire name; the message lists the valid ones.
     *
     * @param text tcp, udp or http
     * @return the type
     * @throws IllegalArgumentException for any other text
     */
    public static TunnelType parse(String text) {
        for (TunnelType t : values()) {
            if (t.wireName().equals(text)) {
                return t;
            }
        }
        throw new IllegalArgumentException("tunnel type must be tcp, udp or http, got '" + text + "'");
    }
}
