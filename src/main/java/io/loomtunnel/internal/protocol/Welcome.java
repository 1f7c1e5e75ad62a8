package io.loomtunnel.internal.protocol;

/** The acceptor's answer to a good hello (docs/protocol/SESSION.md 1.2). */
public record Welcome(String software) implements Greeting {}
