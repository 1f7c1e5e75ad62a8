package io.loomtunnel.session;

/** The acceptor's answer to a good hello (docs/protocol/SESSION.md 1.2). */
public record Welcome(String software) {
    public static final String TYPE = "welcome";
}
