package io.loomtunnel.internal.protocol;

/**
 * Every message of the protocol that is a JSON object with a {@code "type"} tag: the CONTROL frames
 * of a session (docs/protocol/SESSION.md 4.4) and the messages at the start of a stream
 * ({@link StreamHeader}). Each is a record of one conversation, and each conversation is a sealed
 * interface, so a receiver's {@code switch} over what it may get is checked by the compiler:
 * a new message cannot be forgotten in one dispatcher. The type tags are declared once, in
 * {@link MessageType}; {@link ControlCodec} reads and writes them.
 */
public sealed interface ControlMessage
        permits Greeting, TunnelRequest, TunnelReply, PeerSessionMessage, DirectoryMessage, StreamHeader, UnknownMessage {

    /** The type tag on the wire, from {@link MessageType}. */
    default String type() {
        return MessageType.of(getClass()).tag();
    }
}
