package io.loomtunnel.internal.protocol;

/** Between two peers, on a new peer-to-peer connection: which session it is, and the answer (docs/protocol/P2P.md 9.3). */
public sealed interface PeerSessionMessage extends ControlMessage permits SessionRequest, SessionAccepted, SessionRefused {}
