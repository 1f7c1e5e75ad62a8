package io.loomtunnel.internal.protocol;

/** The first CONTROL message each side of a new session sends (docs/protocol/SESSION.md 1.2). */
public sealed interface Greeting extends ControlMessage permits Hello, Welcome {}
